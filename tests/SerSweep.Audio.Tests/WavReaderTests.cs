using System.Buffers.Binary;
using SerSweep.Audio.Catalog;
using SerSweep.Audio.Wav;
using SerSweep.Testing;
using static SerSweep.Audio.Tests.WavBuilder;

namespace SerSweep.Audio.Tests;

public class WavReaderTests
{
    private static WavAudio Decode(byte[] file) => WavReader.Decode(file, "test.wav");

    [Fact]
    public void All_240_real_files_decode_including_the_two_stereo_ones()
    {
        var catalog = RavdessCatalog.Scan(TestPaths.Ravdess, new CatalogFilter { Actors = ActorSelection.Parse("1-4") });

        var decoded = catalog.Entries.AsParallel().Select(e => (e.RelativePath, Audio: WavReader.Read(e.Path))).ToList();

        Assert.Equal(240, decoded.Count);
        Assert.All(decoded, d =>
        {
            Assert.Equal(48000, d.Audio.SampleRate);
            Assert.Equal(16, d.Audio.BitsPerSample);
            Assert.InRange(d.Audio.Seconds, 2.5, 6.0);
            Assert.All(d.Audio.Samples, s => Assert.InRange(s, -1f, 1f));
        });
        var stereo = decoded.Where(d => d.Audio.Channels == 2).Select(d => d.RelativePath).Order().ToArray();
        Assert.Equal(2, stereo.Length);
        Assert.Contains("Actor_01/03-01-08-01-02-02-01.wav", stereo);
    }

    [Fact]
    public void ReadInto_decodes_into_the_buffer_given_when_it_is_large_enough_and_into_a_new_one_when_not()
    {
        var files = RavdessCatalog.Scan(TestPaths.Ravdess, new CatalogFilter { Actors = ActorSelection.Parse("1") }).Entries
            .Select(e => (e.Path, WavReader.Read(e.Path).Samples)).OrderByDescending(f => f.Samples.Length).ToArray();
        var (longest, shortest) = (files[0], files[^1]);
        var buffer = new float[longest.Samples.Length];

        var intoLarge = WavReader.ReadInto(shortest.Path, buffer);
        var intoSmall = WavReader.ReadInto(longest.Path, new float[shortest.Samples.Length]);

        Assert.Same(buffer, intoLarge.Buffer);
        Assert.Equal(shortest.Samples, intoLarge.Samples.ToArray());
        Assert.Equal(48000, intoLarge.SampleRate);
        Assert.Equal(longest.Samples, intoSmall.Buffer);
        Assert.Equal(longest.Samples.Length, intoSmall.Length);
    }

    [Fact]
    public void Stereo_is_averaged_to_mono()
    {
        var audio = Decode(Pcm16([1000, 3000, -32768, 32767], channels: 2));

        Assert.Equal(2, audio.Channels);
        Assert.Equal([2000f / 32768, -0.5f / 32768], audio.Samples);
    }

    [Fact]
    public void Extra_chunks_before_and_after_data_and_odd_padding_are_skipped()
    {
        short[] samples = [100, -200, 300];
        var data = new byte[6];
        for (var i = 0; i < 3; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), samples[i]);
        var file = Riff(Chunk("FLLR", new byte[3]), Chunk("LIST", new byte[7]), Fmt(1, 1, 48000, 16),
            Chunk("bext", new byte[5]), Chunk("data", data), Chunk("_PMX", new byte[9]));

        var audio = Decode(file);

        Assert.Equal(samples.Select(s => s / 32768f), audio.Samples);
    }

    public static TheoryData<string, byte[], float[]> Encodings()
    {
        var pcm8 = Riff(Fmt(1, 1, 8000, 8), Chunk("data", [0, 128, 255, 192]));
        var pcm24 = Riff(Fmt(1, 1, 8000, 24), Chunk("data", [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x40]));
        var pcm32 = Riff(Fmt(1, 1, 8000, 32), Chunk("data", [0, 0, 0, 0x80, 0, 0, 0, 0x40, 0xFF, 0xFF, 0xFF, 0xFF]));
        var f32 = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(f32, 0.25f);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4), -0.75f);
        var f64 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, 0.5);
        BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(8), -1.0);
        var ext16 = Riff(FmtExtensible(1, 2, 8000, 16), Chunk("data", [0x00, 0x40, 0x00, 0xC0, 0x00, 0x20, 0x00, 0x20]));
        var extFloat = Riff(FmtExtensible(3, 1, 8000, 32), Chunk("data", f32));
        return new()
        {
            { "PCM 8-bit (unsigned)", pcm8, [-1f, 0f, 127 / 128f, 0.5f] },
            { "PCM 24-bit", pcm24, [-1f, 8388607 / 8388608f, 0.5f] },
            { "PCM 32-bit", pcm32, [-1f, 0.5f, -1 / 2147483648f] },
            { "float 32", Riff(Fmt(3, 1, 8000, 32), Chunk("data", f32)), [0.25f, -0.75f] },
            { "float 64", Riff(Fmt(3, 1, 8000, 64), Chunk("data", f64)), [0.5f, -1f] },
            { "extensible PCM 16 stereo", ext16, [0f, 0.25f] },
            { "extensible float 32", extFloat, [0.25f, -0.75f] },
        };
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Decodes_every_supported_encoding(string encoding, byte[] file, float[] expected)
    {
        var audio = Decode(file);

        Assert.True(expected.SequenceEqual(audio.Samples), $"{encoding}: [{string.Join(", ", audio.Samples)}]");
        // Read by range from the open file: the same samples, in one piece or sample by sample.
        var path = Path.Combine(TestPaths.NewTempDir(), "ranges.wav");
        File.WriteAllBytes(path, file);
        using var wav = WavReader.Open(path);
        Assert.Equal(audio.SampleRate, wav.SampleRate);
        var whole = new float[wav.Length];
        wav.Read(0, whole);
        Assert.Equal(audio.Samples, whole);
        var one = new float[1];
        for (var i = 0; i < wav.Length; i++)
        {
            wav.Read(i, one);
            Assert.Equal(audio.Samples[i], one[0]);
        }
    }

    public static TheoryData<string, byte[], WavError, string> BrokenFiles()
    {
        var good = Pcm16([1, 2, 3, 4]);
        var lyingFmt = Riff(Chunk("LIST", new byte[4], declaredSize: 0x7FFFFFF0), Fmt(1, 1, 48000, 16), Chunk("data", new byte[8]));
        var lyingData = Riff(Fmt(1, 1, 48000, 16), Chunk("data", new byte[8], declaredSize: 4000));
        var cutData = good[..^3];
        var unknownGuid = FmtExtensible(1, 1, 48000, 16);
        unknownGuid[8 + 30] ^= 0xFF;
        return new()
        {
            { "zero bytes", [], WavError.Empty, "empty" },
            { "wrong magic", [.. "RIFX"u8, .. good[4..]], WavError.NotRiffWave, "\"RIFX\"" },
            { "not WAVE", [.. good[..8], .. "AVI "u8, .. good[12..]], WavError.NotRiffWave, "\"AVI \"" },
            { "truncated RIFF header", good[..10], WavError.TruncatedHeader, "12-byte" },
            { "truncated chunk header", good[..16], WavError.TruncatedHeader, "chunk header at offset 12" },
            { "truncated fmt chunk", Riff(Chunk("fmt ", new byte[10]), Chunk("data", new byte[4])), WavError.TruncatedHeader, "'fmt ' chunk has 10 bytes" },
            { "lying chunk size", lyingFmt, WavError.ChunkSizeExceedsFile, "chunk \"LIST\" at offset 12 declares 2147483632 bytes" },
            { "lying data size", lyingData, WavError.TruncatedData, "declares 4000 bytes but only 8 follow" },
            { "truncated data", cutData, WavError.TruncatedData, "declares 8 bytes but only 5 follow" },
            { "data ends inside a frame", Riff(Fmt(1, 2, 48000, 16), Chunk("data", new byte[6])), WavError.TruncatedData, "inside a sample frame of 4 bytes" },
            { "no fmt chunk", Riff(Chunk("data", new byte[4])), WavError.MissingFormatChunk, "no 'fmt '" },
            { "no data chunk", Riff(Fmt(1, 1, 48000, 16), Chunk("LIST", new byte[4])), WavError.MissingDataChunk, "no 'data'" },
            { "ADPCM", Riff(Fmt(2, 1, 48000, 4, blockAlign: 1, byteRate: 48000), Chunk("data", new byte[4])), WavError.UnsupportedEncoding, "0x0002" },
            { "extensible with unknown GUID", Riff(unknownGuid, Chunk("data", new byte[4])), WavError.UnsupportedEncoding, "sub-format GUID" },
            { "12-bit PCM", Riff(Fmt(1, 1, 48000, 12, blockAlign: 2, byteRate: 96000), Chunk("data", new byte[4])), WavError.UnsupportedBitDepth, "12-bit PCM" },
            { "16-bit float", Riff(Fmt(3, 1, 48000, 16), Chunk("data", new byte[4])), WavError.UnsupportedBitDepth, "16-bit float" },
            { "zero channels", Riff(Fmt(1, 0, 48000, 16, blockAlign: 2, byteRate: 96000), Chunk("data", new byte[4])), WavError.InvalidChannelCount, "0 channels" },
            { "absurd channel count", Riff(Fmt(1, 5000, 48000, 16), Chunk("data", new byte[4])), WavError.InvalidChannelCount, "5000 channels" },
            { "zero sample rate", Riff(Fmt(1, 1, 0, 16), Chunk("data", new byte[4])), WavError.InvalidSampleRate, "sample rate 0 Hz" },
            { "absurd sample rate", Riff(Fmt(1, 1, 400_000_000, 16, byteRate: 0), Chunk("data", new byte[4])), WavError.InvalidSampleRate, "sample rate 400000000 Hz" },
            { "block align lies", Riff(Fmt(1, 1, 48000, 16, blockAlign: 4), Chunk("data", new byte[4])), WavError.InconsistentFormat, "block_align 4" },
            { "byte rate lies", Riff(Fmt(1, 1, 48000, 16, byteRate: 1), Chunk("data", new byte[4])), WavError.InconsistentFormat, "byte_rate 1" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Broken_file_gives_its_specific_error_naming_the_file(string _, byte[] file, WavError error, string detail)
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "broken.wav");
        File.WriteAllBytes(path, file);

        // Decoding the whole file and opening it for reads by range walk the chunks alike: the same error.
        foreach (var read in new Action[] { () => WavReader.Read(path), () => WavReader.ReadInto(path, null), () => WavReader.Open(path).Dispose() })
        {
            var e = Assert.Throws<WavFormatException>(read);

            Assert.Equal(error, e.Error);
            Assert.Equal(path, e.File);
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains(detail, e.Detail);
        }
    }
}
