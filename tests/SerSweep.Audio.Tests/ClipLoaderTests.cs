using SerSweep.Audio.Features;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Testing;
using static SerSweep.Audio.Tests.WavBuilder;

namespace SerSweep.Audio.Tests;

public class ClipLoaderTests
{
    [Fact]
    public void Files_loaded_one_after_another_give_the_clips_each_gives_alone_with_nothing_left_from_a_longer_one()
    {
        // A loud 8 s file, then a real RAVDESS file (~3.5 s) whose 6 s clip is zero-padded: the decode buffer this
        // thread keeps between files holds the loud file's samples past the short one's end, and none may show.
        var dir = TestPaths.NewTempDir();
        var loud = Path.Combine(dir, "loud.wav");
        File.WriteAllBytes(loud, Pcm16(Enumerable.Range(0, 8 * 48000).Select(i => (short)(i % 2 == 0 ? 20000 : -20000)).ToArray()));
        var real = Path.Combine(TestPaths.Ravdess, "Actor_01", "03-01-01-01-01-01-01.wav");
        var loader = new ClipLoader(new FeatureConfig { ClipSeconds = 6.0 });
        var alone = new Dictionary<string, float[]>();
        foreach (var path in new[] { loud, real })
        {
            alone[path] = new float[loader.ClipSamples];
            new ClipLoader(loader.Config).Load(WavReader.Read(path), alone[path]);
        }

        foreach (var path in new[] { loud, real, loud, real })
        {
            var clip = new float[loader.ClipSamples];
            var seconds = loader.Load(path, clip);

            Assert.Equal(WavReader.Read(path).Seconds, seconds);
            Assert.Equal(alone[path], clip);
        }
        var realSeconds = WavReader.Read(real).Seconds;
        Assert.InRange(realSeconds, 2.5, 5.0);
        var padded = alone[real].AsSpan((int)Math.Ceiling((realSeconds - loader.Config.OffsetSeconds) * loader.Config.SampleRate) + 16);
        Assert.True(padded.Length > 16000, "the real file's clip must end in padding for this test to look at it");
        Assert.True(padded.IndexOfAnyExcept(0f) < 0, "the padding after the real file's audio is zeros");
    }
}
