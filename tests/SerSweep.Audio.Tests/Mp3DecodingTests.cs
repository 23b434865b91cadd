using SerSweep.Audio.Decoding;
using SerSweep.Audio.Wav;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

/// <summary>
/// MP3 through <see cref="AudioFile"/>: real RAVDESS files encoded by Debian's lame (deploy/install-deps installs it),
/// decoded and compared with the WAV after removing the encoder+decoder delay (found by cross-correlation).
/// </summary>
public class Mp3DecodingTests
{
    /// <summary>lame at 192 kbit/s keeps speech well above this; a broken decoder (wrong scale, channels, frames) falls far below.</summary>
    private const double MinSnrDb = 20;

    [Fact]
    public void Mp3_versions_of_real_files_decode_within_20_dB_snr_of_the_wav_after_the_codec_delay()
    {
        var dir = TestPaths.NewTempDir();
        foreach (var wavPath in Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_02"), "*.wav").Order().Take(4))
        {
            var wav = WavReader.Read(wavPath);
            var mp3 = AudioFile.Read(Lame.Encode(wavPath, dir));

            Assert.Equal(wav.SampleRate, mp3.SampleRate);
            // lame pads the start (encoder delay + decoder delay, a few hundred to ~2300 samples) and the end to whole frames.
            var delay = Enumerable.Range(0, 3000).MaxBy(lag => Correlation(wav.Samples, mp3.Samples, lag));
            // Every sample of the WAV is there, give or take one frame (1152) at the end.
            var overlap = Math.Min(wav.Samples.Length, mp3.Samples.Length - delay);
            Assert.True(Math.Abs(mp3.Samples.Length - delay - wav.Samples.Length) <= 1152,
                $"{Path.GetFileName(wavPath)}: {mp3.Samples.Length} MP3 samples after a delay of {delay}, {wav.Samples.Length} WAV samples");
            double signal = 0, noise = 0;
            for (var i = 0; i < overlap; i++)
            {
                signal += (double)wav.Samples[i] * wav.Samples[i];
                var d = mp3.Samples[i + delay] - wav.Samples[i];
                noise += (double)d * d;
            }
            var snr = 10 * Math.Log10(signal / noise);
            Console.WriteLine($"{Path.GetFileName(wavPath)}: delay {delay} samples, SNR {snr:0.0} dB");
            Assert.True(snr >= MinSnrDb, $"{Path.GetFileName(wavPath)}: SNR {snr:0.0} dB after a delay of {delay} samples, expected >= {MinSnrDb} dB");
        }
    }

    private static double Correlation(float[] reference, float[] shifted, int lag)
    {
        var sum = 0.0;
        for (var i = 0; i < reference.Length && i + lag < shifted.Length; i += 4) sum += (double)reference[i] * shifted[i + lag];
        return sum;
    }

    [Fact]
    public void The_format_is_chosen_by_content_and_unsupported_or_broken_files_are_named_with_the_reason()
    {
        var dir = TestPaths.NewTempDir();
        var wavPath = Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_02"), "*.wav").Order().First();
        var mp3 = Lame.Encode(wavPath, dir);
        var mp3NamedWav = Path.Combine(dir, "really-an-mp3.wav");
        File.Copy(mp3, mp3NamedWav);
        var wavNamedMp3 = Path.Combine(dir, "really-a-wav.mp3");
        File.Copy(wavPath, wavNamedMp3);
        var ogg = Path.Combine(dir, "a.ogg");
        File.WriteAllBytes(ogg, [.. "OggS"u8, 0, 2, 0, 0]);
        var text = Path.Combine(dir, "notes.mp3");
        File.WriteAllText(text, "hello");
        var truncated = Path.Combine(dir, "truncated.mp3");
        File.WriteAllBytes(truncated, File.ReadAllBytes(mp3)[..3]);

        Assert.Equal(AudioFile.Read(mp3).Samples, AudioFile.Read(mp3NamedWav).Samples);
        Assert.Equal(WavReader.Read(wavPath).Samples, AudioFile.Read(wavNamedMp3).Samples);
        var oggError = Assert.Throws<WavFormatException>(() => AudioFile.Read(ogg));
        Assert.Equal(WavError.UnknownFormat, oggError.Error);
        Assert.Contains("Ogg (Vorbis/Opus) is not supported", oggError.Message);
        Assert.Contains("a.ogg", oggError.Message);
        var textError = Assert.Throws<WavFormatException>(() => AudioFile.Read(text));
        Assert.Equal(WavError.UnknownFormat, textError.Error);
        Assert.Contains("68656C6C", textError.Message); // "hell" in hex: the bytes it starts with
        var truncatedError = Assert.Throws<WavFormatException>(() => AudioFile.Read(truncated));
        Assert.Equal(WavError.CorruptMp3, truncatedError.Error);
        Assert.Contains("truncated.mp3", truncatedError.Message);
    }
}
