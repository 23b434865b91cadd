using NLayer;
using SerSweep.Audio.Dsp;
using SerSweep.Audio.Wav;

namespace SerSweep.Audio.Decoding;

/// <summary>
/// Reads any supported audio file, choosing the decoder by content (magic bytes), never by extension: "RIFF" is WAV
/// (<see cref="WavReader"/>), an ID3v2 tag or an MPEG audio frame sync is MP3 (NLayer, fully managed), "fLaC" is FLAC
/// (<see cref="FlacReader"/>, our own). Ogg ("OggS") is recognised and refused by name. Every failure is a
/// <see cref="WavFormatException"/> naming the file and the reason, as the WAV reader's are.
/// </summary>
public static class AudioFile
{
    public static WavAudio Read(string path)
    {
        Span<byte> head = stackalloc byte[4];
        return IsWav(path, ref head) ? WavReader.Read(path) : ReadCompressed(path, head);
    }

    /// <summary>
    /// <see cref="Read(string)"/> for a caller that decodes file after file: a WAV file's samples go into
    /// <paramref name="reuse"/> when it is large enough; MP3 and FLAC decode into a new array as always.
    /// </summary>
    public static SampleBuffer Read(string path, float[]? reuse)
    {
        Span<byte> head = stackalloc byte[4];
        if (IsWav(path, ref head)) return WavReader.ReadInto(path, reuse);
        var audio = ReadCompressed(path, head);
        return new SampleBuffer(audio.Samples, audio.Samples.Length, audio.SampleRate);
    }

    private static WavAudio ReadCompressed(string path, ReadOnlySpan<byte> head)
    {
        if (IsMp3(head)) return Mp3(path, () => new MpegFile(path));
        if (head.StartsWith("fLaC"u8)) return FlacReader.Read(path);
        throw Unsupported(path, head);
    }

    /// <summary>
    /// <see cref="Read(string)"/> for a whole file held in memory (an HTTP upload, possibly a pooled buffer's first bytes): the
    /// same decoders and errors, no temporary file; <paramref name="source"/> names it in errors.
    /// </summary>
    public static WavAudio Read(ReadOnlyMemory<byte> data, string source)
    {
        var head = data.Span[..Math.Min(4, data.Length)];
        if (data.Length == 0 || head.StartsWith("RIFF"u8)) return WavReader.Decode(data.Span, source);
        if (IsMp3(head)) return Mp3(source, () => new MpegFile(new MemoryStream(data.ToArray(), writable: false)));
        if (head.StartsWith("fLaC"u8)) return FlacReader.Read(data.ToArray(), source);
        throw Unsupported(source, head);
    }

    private static WavFormatException Unsupported(string source, ReadOnlySpan<byte> head) =>
        new(source, WavError.UnknownFormat, head.StartsWith("OggS"u8)
            ? "Ogg (Vorbis/Opus) is not supported (supported: WAV, MP3, FLAC); convert it, e.g. ffmpeg -i FILE out.wav"
            : $"not a supported audio file: starts with bytes {Convert.ToHexString(head)}; supported: WAV (\"RIFF\"), MP3 (ID3 tag or MPEG frame sync), FLAC (\"fLaC\")");

    /// <summary>
    /// A whole recording of any length, mono at <paramref name="rate"/>. A WAV file is read and resampled piece by
    /// piece on every core (<see cref="WavReader.Open"/>), so it is never held at its own rate: an hour at 48 kHz would
    /// be 690 MB of floats, after reading the 350 MB file whole. MP3 and FLAC are decoded whole first (their decoders
    /// read front to back), then resampled the same way.
    /// </summary>
    public static float[] ReadResampled(string path, int rate)
    {
        Span<byte> head = stackalloc byte[4];
        if (IsWav(path, ref head))
        {
            using var wav = WavReader.Open(path);
            return Resample(new SincResampler(wav.SampleRate, rate), wav.Length, wav.Read);
        }
        var audio = Read(path);
        return Resample(new SincResampler(audio.SampleRate, rate), audio.Samples.Length,
            (first, into) => audio.Samples.AsSpan((int)first, into.Length).CopyTo(into));
    }

    private delegate void ReadRange(long first, Span<float> into);

    /// <summary>Outputs per piece: 16 s at 16 kHz, so a piece's input is a few MB.</summary>
    private const int PieceOutputs = 1 << 18;

    private static float[] Resample(SincResampler resampler, long inputLength, ReadRange read)
    {
        var output = new float[resampler.OutputLength(checked((int)inputLength))];
        var pieces = (output.Length + PieceOutputs - 1) / PieceOutputs;
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => Array.Empty<float>(), (p, _, input) =>
        {
            var first = p * PieceOutputs;
            var count = Math.Min(PieceOutputs, output.Length - first);
            var (from, length, offset) = resampler.Support(first, count, inputLength);
            if (input.Length < length) input = new float[length];
            read(from, input.AsSpan(0, length));
            resampler.Resample(input.AsSpan(0, length), (int)(first - offset), output.AsSpan(first, count));
            return input;
        }, _ => { });
        return output;
    }

    /// <summary>Reads the first bytes into <paramref name="head"/> (shortened to what the file has); an empty file counts as WAV (the WAV reader names it).</summary>
    private static bool IsWav(string path, ref Span<byte> head)
    {
        int read;
        using (var probe = File.OpenRead(path)) read = probe.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        head = head[..read];
        return read == 0 || head.StartsWith("RIFF"u8);
    }

    private static bool IsMp3(ReadOnlySpan<byte> head) =>
        head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0);

    /// <summary>MP3 to mono floats at the file's rate (channels averaged); NLayer's own output scale ([-1, 1]).</summary>
    private static WavAudio Mp3(string path, Func<MpegFile> open)
    {
        try
        {
            using var mpeg = open();
            var channels = mpeg.Channels;
            var interleaved = new List<float>();
            var buffer = new float[4096 * channels];
            int n;
            while ((n = mpeg.ReadSamples(buffer, 0, buffer.Length)) > 0)
                interleaved.AddRange(buffer.AsSpan(0, n));
            if (interleaved.Count == 0 || channels < 1)
                throw new WavFormatException(path, WavError.CorruptMp3, "MP3 file with no decodable MPEG audio frame");
            var mono = new float[interleaved.Count / channels];
            for (var i = 0; i < mono.Length; i++)
            {
                var sum = 0f;
                for (var c = 0; c < channels; c++) sum += interleaved[i * channels + c];
                mono[i] = sum / channels;
            }
            return new WavAudio(mono, mpeg.SampleRate, channels, WavEncoding.Float, 32);
        }
        catch (Exception e) when (e is not (WavFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException))
        {
            throw new WavFormatException(path, WavError.CorruptMp3, $"MP3 file that does not decode: {e.Message}");
        }
    }
}
