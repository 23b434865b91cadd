using SerSweep.Audio.Decoding;
using SerSweep.Audio.Wav;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

/// <summary>
/// <see cref="AudioFile.Read(ReadOnlyMemory{byte}, string)"/> (uploads to `serve`) against <see cref="AudioFile.Read(string)"/>: the same
/// bytes decode to the same samples whether they come from a file or from memory, and fail with the same reason.
/// </summary>
public class InMemoryDecodingTests
{
    private static readonly string RealWav = Path.Combine(TestPaths.Ravdess, "Actor_01/03-01-08-01-02-02-01.wav");

    public static TheoryData<string> Formats => ["wav", "mp3", "flac"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_file_held_in_memory_decodes_to_exactly_what_the_file_does(string format)
    {
        var path = format switch
        {
            "mp3" => Lame.Encode(RealWav, TestPaths.NewTempDir()),
            "flac" => Flac.Encode(RealWav, TestPaths.NewTempDir()),
            _ => RealWav,
        };
        var fromFile = AudioFile.Read(path);

        var fromMemory = AudioFile.Read(File.ReadAllBytes(path), "upload");

        Assert.Equal(fromFile, fromMemory with { Samples = fromFile.Samples });
        Assert.Equal(fromFile.Samples, fromMemory.Samples);
    }

    [Theory]
    [InlineData("OggS\0\0\0\0", WavError.UnknownFormat)]
    [InlineData("fLaC\0\0\0\0", WavError.CorruptFlac)]
    [InlineData("RIFF\0\0", WavError.TruncatedHeader)]
    public void Bad_bytes_fail_with_the_same_error_from_memory_as_from_a_file(string content, WavError error)
    {
        var bytes = content.Select(c => (byte)c).ToArray();
        var path = Path.Combine(TestPaths.NewTempDir(), "bad.bin");
        File.WriteAllBytes(path, bytes);
        var fromFile = Assert.Throws<WavFormatException>(() => AudioFile.Read(path));

        var fromMemory = Assert.Throws<WavFormatException>(() => AudioFile.Read(bytes, path));

        Assert.Equal(error, fromFile.Error);
        Assert.Equal(fromFile.Error, fromMemory.Error);
        Assert.Equal(fromFile.Message, fromMemory.Message);
    }
}
