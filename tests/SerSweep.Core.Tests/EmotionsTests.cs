using SerSweep.Core;

namespace SerSweep.Core.Tests;

public class EmotionsTests
{
    [Fact]
    public void Codes_follow_the_ravdess_file_name_convention()
    {
        Assert.Equal(8, Emotions.All.Count);
        Assert.Equal(Emotion.Neutral, Emotions.All[0]);
        Assert.Equal(5, (int)Emotion.Angry);
        Assert.Equal(Emotion.Surprised, (Emotion)8);
    }

    [Theory]
    [InlineData("angry", true, Emotion.Angry)]
    [InlineData("Fearful", true, Emotion.Fearful)]
    [InlineData("bored", false, default(Emotion))]
    [InlineData("9", false, default(Emotion))]
    public void Parses_names_case_insensitively_and_rejects_the_rest(string text, bool ok, Emotion expected)
    {
        Assert.Equal(ok, Emotions.TryParse(text, out var emotion));
        if (ok) Assert.Equal(expected, emotion);
    }

    [Fact]
    public void Only_losses_are_minimised()
    {
        Assert.True(Metrics.LowerIsBetter(Metrics.ValLoss));
        Assert.False(Metrics.LowerIsBetter(Metrics.ValAccuracy));
        Assert.False(Metrics.LowerIsBetter(Metrics.TestMacroF1));
    }
}
