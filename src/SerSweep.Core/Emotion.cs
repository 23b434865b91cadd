namespace SerSweep.Core;

/// <summary>The eight RAVDESS emotions. The numeric value is the code in the file name (01..08).</summary>
public enum Emotion
{
    Neutral = 1,
    Calm = 2,
    Happy = 3,
    Sad = 4,
    Angry = 5,
    Fearful = 6,
    Disgust = 7,
    Surprised = 8,
}

public static class Emotions
{
    /// <summary>All emotions in code order; a model's class index i is <c>All[i]</c> unless a label map says otherwise.</summary>
    public static IReadOnlyList<Emotion> All { get; } = Enum.GetValues<Emotion>();

    public static string Name(this Emotion emotion) => emotion.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out Emotion emotion) =>
        Enum.TryParse(text, ignoreCase: true, out emotion) && Enum.IsDefined(emotion);
}
