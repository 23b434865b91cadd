using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SerSweep.Audio.Wav;

/// <summary>
/// Decodes RIFF/WAVE files: walks every chunk (RAVDESS files carry FLLR, LIST, bext, _PMX around data; odd sizes are
/// padded), reads PCM 8/16/24/32-bit and IEEE float 32/64, plain or WAVE_FORMAT_EXTENSIBLE, any channel count, and
/// returns mono samples in [-1, 1] (channels averaged, scaled like torchaudio.load: PCM / 2^(bits-1)).
/// Anything else is a <see cref="WavFormatException"/> naming the file and the reason.
/// </summary>
public static class WavReader
{
    public const int MaxChannels = 64;
    public const int MinSampleRate = 1000;
    public const int MaxSampleRate = 1_536_000;

    private const ushort FormatPcm = 1, FormatFloat = 3, FormatExtensible = 0xFFFE;
    // The 14 bytes after the 2-byte format code in a KSDATAFORMAT_SUBTYPE_* GUID.
    private static ReadOnlySpan<byte> SubFormatGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private readonly record struct Format(WavEncoding Encoding, int Channels, int SampleRate, int BitsPerSample, int BlockAlign);

    public static WavAudio Read(string path) => ReadFile(path, Decode);

    /// <summary>
    /// <see cref="Read"/> into <paramref name="reuse"/> when it is large enough (else a new array), for a caller that
    /// decodes file after file and keeps the buffer between them (<see cref="Features.ClipLoader"/>).
    /// </summary>
    public static SampleBuffer ReadInto(string path, float[]? reuse) =>
        ReadFile(path, (file, source) => DecodeInto(file, source, reuse).Samples);

    private static T ReadFile<T>(string path, Func<ReadOnlySpan<byte>, string, T> decode)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue)
            throw new WavFormatException(path, WavError.ChunkSizeExceedsFile, $"file is {length} bytes; WAV files are at most 4 GiB and this decoder reads up to 2 GiB");
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0) break;
                read += n;
            }
            return decode(buffer.AsSpan(0, read), path);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes a whole WAV file held in memory; <paramref name="source"/> names it in errors.</summary>
    public static WavAudio Decode(ReadOnlySpan<byte> file, string source)
    {
        var (f, samples) = DecodeInto(file, source, reuse: null);
        return new WavAudio(samples.Buffer, f.SampleRate, f.Channels, f.Encoding, f.BitsPerSample);
    }

    private static (Format Format, SampleBuffer Samples) DecodeInto(ReadOnlySpan<byte> file, string source, float[]? reuse)
    {
        var (f, dataStart, dataSize) = Walk(new SpanBytes(file), source);
        var length = (int)(dataSize / f.BlockAlign);
        var buffer = reuse is not null && reuse.Length >= length ? reuse : new float[length];
        DecodeMono(file.Slice((int)dataStart, (int)dataSize), f, buffer.AsSpan(0, length));
        return (f, new SampleBuffer(buffer, length, f.SampleRate));
    }

    /// <summary>
    /// Opens a WAV file for reading ranges of its mono samples (<see cref="WavSamples"/>), checked as <see cref="Read"/>
    /// checks it but without reading the data chunk: for recordings too long to hold at their own rate.
    /// </summary>
    public static WavSamples Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var (f, dataStart, dataSize) = Walk(new FileBytes(handle, RandomAccess.GetLength(handle)), path);
            return new WavSamples(handle, f.SampleRate, dataSize / f.BlockAlign, dataStart, f.BlockAlign, (data, mono) => DecodeMono(data, f, mono));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of a WAV file the chunk walk reads: a span of the whole file, or reads from its handle.</summary>
    private interface IBytes
    {
        long Length { get; }
        /// <summary>Bytes [offset, offset + count) (count within the file), in <paramref name="buffer"/> or a view of the file.</summary>
        ReadOnlySpan<byte> Read(long offset, int count, Span<byte> buffer);
    }

    private readonly ref struct SpanBytes(ReadOnlySpan<byte> file) : IBytes
    {
        private readonly ReadOnlySpan<byte> _file = file;
        public long Length => _file.Length;
        public ReadOnlySpan<byte> Read(long offset, int count, Span<byte> buffer) => _file.Slice((int)offset, count);
    }

    private readonly struct FileBytes(SafeFileHandle handle, long length) : IBytes
    {
        public long Length => length;
        public ReadOnlySpan<byte> Read(long offset, int count, Span<byte> buffer)
        {
            ReadExactly(handle, buffer[..count], offset);
            return buffer[..count];
        }
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="offset"/> of the file (positioned: safe from several threads at once).</summary>
    internal static void ReadExactly(SafeFileHandle handle, Span<byte> into, long offset)
    {
        for (var read = 0; read < into.Length;)
        {
            var n = RandomAccess.Read(handle, into[read..], offset + read);
            if (n == 0) throw new IOException($"the file shrank while it was read (at byte {offset + read})");
            read += n;
        }
    }

    /// <summary>Walks the RIFF chunks (reading their headers and the fmt chunk only): the format and where the data chunk lies.</summary>
    private static (Format Format, long DataStart, long DataSize) Walk<T>(T file, string source) where T : IBytes, allows ref struct
    {
        Span<byte> buffer = new byte[64];
        if (file.Length == 0)
            throw new WavFormatException(source, WavError.Empty, "file is empty (0 bytes)");
        var riff = file.Read(0, (int)Math.Min(12, file.Length), buffer);
        if (riff.Length >= 4 && !riff[..4].SequenceEqual("RIFF"u8))
            throw new WavFormatException(source, WavError.NotRiffWave, $"not a WAV file: starts with {Printable(riff[..4])}, expected \"RIFF\"");
        if (riff.Length < 12)
            throw new WavFormatException(source, WavError.TruncatedHeader, $"file is {file.Length} bytes, shorter than the 12-byte RIFF/WAVE header");
        if (!riff[8..12].SequenceEqual("WAVE"u8))
            throw new WavFormatException(source, WavError.NotRiffWave, $"RIFF file of type {Printable(riff[8..12])}, expected \"WAVE\"");

        Format? format = null;
        long dataStart = -1, dataSize = 0;
        long pos = 12;
        while (pos < file.Length)
        {
            if (file.Length - pos < 8)
            {
                if (dataStart >= 0 && format is not null) break; // trailing bytes after the audio: harmless
                throw new WavFormatException(source, WavError.TruncatedHeader, $"file ends inside a chunk header at offset {pos} ({file.Length - pos} of 8 bytes)");
            }
            var header = file.Read(pos, 8, buffer);
            var isData = header[..4].SequenceEqual("data"u8);
            var isFormat = header[..4].SequenceEqual("fmt "u8);
            var id = Printable(header[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            var body = pos + 8;
            var remaining = file.Length - body;
            if (isData)
            {
                if (size > remaining)
                    throw new WavFormatException(source, WavError.TruncatedData, $"data chunk at offset {pos} declares {size} bytes but only {remaining} follow (file truncated or size field wrong)");
                dataStart = body;
                dataSize = size;
            }
            else
            {
                if (size > remaining)
                    throw new WavFormatException(source, WavError.ChunkSizeExceedsFile, $"chunk {id} at offset {pos} declares {size} bytes but only {remaining} follow");
                // ParseFormat reads at most 40 bytes and names shorter chunks by their length.
                if (isFormat)
                    format = ParseFormat(file.Read(body, (int)Math.Min(size, buffer.Length), buffer), source);
            }
            pos = Math.Min(file.Length, body + size + (size & 1));
        }
        if (format is not { } f)
            throw new WavFormatException(source, WavError.MissingFormatChunk, "no 'fmt ' chunk");
        if (dataStart < 0)
            throw new WavFormatException(source, WavError.MissingDataChunk, "no 'data' chunk");
        if (dataSize % f.BlockAlign != 0)
            throw new WavFormatException(source, WavError.TruncatedData, $"data chunk of {dataSize} bytes ends inside a sample frame of {f.BlockAlign} bytes");
        return (f, dataStart, dataSize);
    }

    private static Format ParseFormat(ReadOnlySpan<byte> fmt, string source)
    {
        if (fmt.Length < 16)
            throw new WavFormatException(source, WavError.TruncatedHeader, $"'fmt ' chunk has {fmt.Length} bytes, needs at least 16");
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        var byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40)
                throw new WavFormatException(source, WavError.TruncatedHeader, $"WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has {fmt.Length} bytes, needs 40");
            var subFormat = fmt.Slice(24, 16);
            if (!subFormat[2..].SequenceEqual(SubFormatGuidTail))
                throw new WavFormatException(source, WavError.UnsupportedEncoding, "WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is neither PCM nor IEEE float");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(subFormat);
        }
        var encoding = tag switch
        {
            FormatPcm => WavEncoding.Pcm,
            FormatFloat => WavEncoding.Float,
            _ => throw new WavFormatException(source, WavError.UnsupportedEncoding, $"format tag 0x{tag:X4} is not supported (only PCM 0x0001, IEEE float 0x0003 and WAVE_FORMAT_EXTENSIBLE of those)"),
        };
        if (channels is 0 or > MaxChannels)
            throw new WavFormatException(source, WavError.InvalidChannelCount, $"{channels} channels (supported: 1..{MaxChannels})");
        if (rate is < MinSampleRate or > MaxSampleRate)
            throw new WavFormatException(source, WavError.InvalidSampleRate, $"sample rate {rate} Hz (supported: {MinSampleRate}..{MaxSampleRate})");
        var bitsOk = encoding == WavEncoding.Pcm ? bits is 8 or 16 or 24 or 32 : bits is 32 or 64;
        if (!bitsOk)
            throw new WavFormatException(source, WavError.UnsupportedBitDepth, $"{bits}-bit {(encoding == WavEncoding.Pcm ? "PCM (supported: 8, 16, 24, 32)" : "float (supported: 32, 64)")}");
        if (blockAlign != channels * bits / 8)
            throw new WavFormatException(source, WavError.InconsistentFormat, $"block_align {blockAlign} != channels {channels} x {bits / 8} bytes");
        if (byteRate != rate * (uint)blockAlign)
            throw new WavFormatException(source, WavError.InconsistentFormat, $"byte_rate {byteRate} != sample rate {rate} x block_align {blockAlign}");
        return new Format(encoding, channels, (int)rate, bits, blockAlign);
    }

    private static void DecodeMono(ReadOnlySpan<byte> data, Format f, Span<float> mono)
    {
        if (f is { Encoding: WavEncoding.Pcm, BitsPerSample: 16 } && f.Channels <= 2)
        {
            DecodePcm16(MemoryMarshal.Cast<byte, short>(data), f.Channels, mono);
            return;
        }
        var bytes = f.BitsPerSample / 8;
        var scale = 1f / f.Channels;
        for (var i = 0; i < mono.Length; i++)
        {
            var frame = data.Slice(i * f.BlockAlign, f.BlockAlign);
            var sum = 0.0;
            for (var c = 0; c < f.Channels; c++)
                sum += Sample(frame.Slice(c * bytes, bytes), f);
            mono[i] = (float)sum * scale;
        }
    }

    private static double Sample(ReadOnlySpan<byte> s, Format f) => (f.Encoding, f.BitsPerSample) switch
    {
        (WavEncoding.Pcm, 8) => (s[0] - 128) / 128.0,
        (WavEncoding.Pcm, 16) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768.0,
        (WavEncoding.Pcm, 24) => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) / 8388608.0,
        (WavEncoding.Pcm, _) => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0,
        (_, 32) => BinaryPrimitives.ReadSingleLittleEndian(s),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(s),
    };

    /// <summary>The common case (RAVDESS: 16-bit mono, a few stereo), vectorised: int16 -> float32, stereo averaged.</summary>
    private static void DecodePcm16(ReadOnlySpan<short> pcm, int channels, Span<float> mono)
    {
        var i = 0;
        if (channels == 1)
        {
            const float scale = 1f / 32768;
            for (; i + Vector<short>.Count <= mono.Length; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(pcm[i..]), out var lo, out var hi);
                (Vector.ConvertToSingle(lo) * scale).CopyTo(mono[i..]);
                (Vector.ConvertToSingle(hi) * scale).CopyTo(mono[(i + Vector<int>.Count)..]);
            }
            for (; i < mono.Length; i++) mono[i] = pcm[i] * scale;
        }
        else
        {
            // (l + r) / 2 / 32768, exact in float32 like torch's mean over the channel axis.
            const float scale = 1f / 65536;
            for (; i < mono.Length; i++) mono[i] = (pcm[2 * i] + pcm[2 * i + 1]) * scale;
        }
    }

    private static string Printable(ReadOnlySpan<byte> id)
    {
        var chars = new char[id.Length];
        for (var i = 0; i < id.Length; i++) chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        return $"\"{new string(chars)}\"";
    }
}
