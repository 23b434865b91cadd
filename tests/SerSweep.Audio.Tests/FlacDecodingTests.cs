using System.Buffers.Binary;
using SerSweep.Audio.Decoding;
using SerSweep.Audio.Wav;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

/// <summary>
/// The FLAC decoder against Debian's flac encoder: FLAC is lossless, so a FLAC made from a WAV decodes to exactly the
/// WAV reader's samples. Real RAVDESS files (mono and the stereo one) at compression 0, 5 and 8 (VERBATIM/FIXED/LPC
/// subframes, the stereo decorrelation modes flac picks), plus 8- and 24-bit files made from a real one.
/// </summary>
public class FlacDecodingTests
{
    [Theory]
    [InlineData("Actor_01/03-01-01-01-01-01-01.wav", 0)]
    [InlineData("Actor_01/03-01-01-01-01-01-01.wav", 5)]
    [InlineData("Actor_02/03-01-03-01-02-01-02.wav", 8)]
    [InlineData("Actor_01/03-01-08-01-02-02-01.wav", 5)] // stereo
    [InlineData("Actor_01/03-01-08-01-02-02-01.wav", 8)]
    public void Flac_versions_of_real_files_decode_to_exactly_the_wav_samples(string file, int level)
    {
        var wavPath = Path.Combine(TestPaths.Ravdess, file);
        var wav = WavReader.Read(wavPath);

        var flac = AudioFile.Read(Flac.Encode(wavPath, TestPaths.NewTempDir(), level));

        Assert.Equal(wav.SampleRate, flac.SampleRate);
        Assert.Equal(wav.Channels, flac.Channels);
        Assert.Equal(wav.BitsPerSample, flac.BitsPerSample);
        Assert.Equal(wav.Samples, flac.Samples);
    }

    /// <summary>RAVDESS's stereo file carries the same signal twice (so flac codes a zero side channel); Other_depths_and_channel_layouts has different ones.</summary>
    [Fact]
    public void The_stereo_file_decodes_to_the_wav_integers_channel_by_channel()
    {
        var wavPath = Path.Combine(TestPaths.Ravdess, "Actor_01/03-01-08-01-02-02-01.wav");
        var flacPath = Flac.Encode(wavPath, TestPaths.NewTempDir(), 8);

        var pcm = FlacReader.Decode(flacPath, File.ReadAllBytes(flacPath));

        // The channels, integer per integer, as they sit interleaved in the WAV's data chunk (16-bit).
        var wavBytes = File.ReadAllBytes(wavPath);
        var data = wavBytes.AsSpan(wavBytes.AsSpan().IndexOf("data"u8) + 8);
        Assert.Equal(2, pcm.Channels.Length);
        for (var i = 0; i < pcm.Channels[0].Length; i++)
        {
            Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(data[(4 * i)..]), pcm.Channels[0][i]);
            Assert.Equal(BinaryPrimitives.ReadInt16LittleEndian(data[(4 * i + 2)..]), pcm.Channels[1][i]);
        }
    }

    /// <summary>
    /// Files made here from a real utterance so that flac -8 must use what RAVDESS files do not make it use (checked with
    /// flac -a): 8 and 24 bits; a second channel that differs (independent, left/side, right/side frames); one that is
    /// nearly the first (mid/side); a 24-bit signal with an empty low byte (wasted bits); white noise (VERBATIM).
    /// </summary>
    [Theory]
    [InlineData(8, 1, "speech")]
    [InlineData(24, 1, "speech")]
    [InlineData(24, 2, "reversed")]
    [InlineData(16, 2, "near")]
    [InlineData(24, 1, "wasted")]
    [InlineData(16, 1, "noise")]
    public void Other_depths_and_channel_layouts_decode_exactly(int bits, int channels, string variant)
    {
        var speech = WavReader.Read(Path.Combine(TestPaths.Ravdess, "Actor_01/03-01-05-02-01-01-01.wav")).Samples;
        var random = new Random(5);
        var max = (1 << (bits - 1)) - 1;
        int Sample(int i, int c)
        {
            var s = c == 0 || variant != "reversed" ? speech[i] : speech[^(i + 1)];
            return variant switch
            {
                "noise" => random.Next(-max, max),
                "wasted" => (int)Math.Round(s * 32767) << 8,
                "near" when c == 1 => Math.Clamp((int)Math.Round(s * max) + i % 3 - 1, -max, max),
                // 24 bits: a varying low byte, so that flac finds no wasted bits.
                _ when bits == 24 => ((int)Math.Round(s * 32767) << 8) | (i * 37 + c) & 0xFF,
                _ => (int)Math.Round(s * max),
            };
        }
        var bytesPerSample = bits / 8;
        var data = new byte[speech.Length * channels * bytesPerSample];
        for (var i = 0; i < speech.Length; i++)
        for (var c = 0; c < channels; c++)
        {
            var value = Sample(i, c);
            var at = (i * channels + c) * bytesPerSample;
            if (bits == 8) data[at] = (byte)(value + 128);
            else for (var b = 0; b < bytesPerSample; b++) data[at + b] = (byte)(value >> (8 * b));
        }
        var dir = TestPaths.NewTempDir();
        var wavPath = Path.Combine(dir, $"pcm{bits}x{channels}-{variant}.wav");
        File.WriteAllBytes(wavPath, WavBuilder.Riff(WavBuilder.Fmt(1, channels, 48000, bits), WavBuilder.Chunk("data", data)));

        var wav = WavReader.Read(wavPath);
        var flac = AudioFile.Read(Flac.Encode(wavPath, dir, 8));

        Assert.Equal(bits, flac.BitsPerSample);
        Assert.Equal(wav.Samples, flac.Samples);
    }

    [Fact]
    public void Truncated_or_corrupted_flac_is_a_corrupt_flac_error_naming_the_file()
    {
        var dir = TestPaths.NewTempDir();
        var flacPath = Flac.Encode(Path.Combine(TestPaths.Ravdess, "Actor_01/03-01-01-01-01-01-01.wav"), dir);
        var bytes = File.ReadAllBytes(flacPath);
        var truncated = Path.Combine(dir, "truncated.flac");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var badCrc = Path.Combine(dir, "bad-crc.flac");
        var damaged = bytes.ToArray();
        damaged[^1] ^= 0x01; // the file's last byte: the last frame's CRC-16
        File.WriteAllBytes(badCrc, damaged);
        var flipped = Path.Combine(dir, "flipped.flac");
        damaged = bytes.ToArray();
        damaged[bytes.Length / 2] ^= 0x10; // mid-stream: whatever it breaks (residual lengths, a sync, a CRC) is reported
        File.WriteAllBytes(flipped, damaged);
        var headerOnly = Path.Combine(dir, "header-only.flac");
        File.WriteAllBytes(headerOnly, [.. "fLaC"u8, 0, 0, 0, 34]);

        foreach (var (path, reason) in new[] { (truncated, "truncated"), (badCrc, "CRC-16 mismatch"), (flipped, ""), (headerOnly, "truncated") })
        {
            var error = Assert.Throws<WavFormatException>(() => AudioFile.Read(path));
            Assert.Equal(WavError.CorruptFlac, error.Error);
            Assert.StartsWith(path + ": FLAC file that does not decode: ", error.Message);
            Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), error.Message);
        }
    }
}
