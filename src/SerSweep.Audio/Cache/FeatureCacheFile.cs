using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using SerSweep.Audio.Catalog;
using SerSweep.Core;

namespace SerSweep.Audio.Cache;

/// <summary>What a cache file's JSON header records: everything but the float blobs.</summary>
public sealed record FeatureCacheHeader
{
    /// <summary>2: the blob is checked by XXH128 (format 1: SHA-256); a format-1 file is recomputed once.</summary>
    public const int CurrentFormat = 2;
    public int Format { get; init; } = CurrentFormat;
    public required string Key { get; init; }
    public required string DatasetFingerprint { get; init; }
    public required FeatureConfig Config { get; init; }
    public required DateTime CreatedUtc { get; init; }
    /// <summary>[N, 1, height, frames] of the features blob.</summary>
    public required int[] Shape { get; init; }
    /// <summary>Samples per clip in the waveform blob ([N, waveform_length]).</summary>
    public required int WaveformLength { get; init; }
    public required string[] Files { get; init; }
    public required Emotion[] Labels { get; init; }
    public required int[] Actors { get; init; }
    public required double AudioSeconds { get; init; }
    public required CatalogProblem[] Problems { get; init; }
    /// <summary>Byte offset of the blob: features (float32 LE) then waveforms (float32 LE); a multiple of 64.</summary>
    public required long BlobOffset { get; init; }
    public required long FeatureFloats { get; init; }
    public required long WaveformFloats { get; init; }
    /// <summary>
    /// XXH128 (hex) of the blob's bytes: a truncated or corrupted file fails this and is rebuilt. A checksum, not a
    /// cryptographic hash: it guards against bad disks and partial copies, not forgers (the cache folder is the user's
    /// own). Computed on load only when the file changed since it last passed (<see cref="BlobStamp"/>): even XXH128
    /// over 64 MB costs more than the rest of a reload (bench/report/notes/cache-miss.md).
    /// </summary>
    public required string BlobXxh128 { get; init; }

    /// <summary>The feature set this header describes, over its blob's <paramref name="features"/> and <paramref name="waveforms"/>.</summary>
    public FeatureSet ToFeatureSet(ReadOnlyMemory<float> features, ReadOnlyMemory<float> waveforms) => new()
    {
        Data = features,
        Shape = Shape,
        Labels = Labels,
        Actors = Actors,
        Files = Files,
        CacheKey = Key,
        Waveforms = waveforms,
        WaveformLength = WaveformLength,
    };
}

/// <summary>
/// The on-disk layout of one cache entry (see docs/audio.md): 8-byte magic "SSFEAT01", uint32 LE header length,
/// UTF-8 JSON header (<see cref="FeatureCacheHeader"/>), zero padding to a 64-byte boundary, then the float32
/// little-endian blob: features [N, 1, H, W] followed by waveforms [N, L]. The blob is aligned and contiguous so
/// the file can be memory-mapped and viewed as float arrays.
/// </summary>
public static class FeatureCacheFile
{
    public static ReadOnlySpan<byte> Magic => "SSFEAT01"u8;
    private const int Alignment = 64;
    private const int MaxHeaderBytes = 256 << 20;

    internal static JsonSerializerOptions Json => SnakeCaseJson.Options;

    /// <summary>Writes the entry to <paramref name="path"/> (the caller renames it into place).</summary>
    public static FeatureCacheHeader Write(string path, FeatureCacheHeader header, float[] features, float[] waveforms)
    {
        header = header with
        {
            FeatureFloats = features.Length,
            WaveformFloats = waveforms.Length,
            BlobXxh128 = BlobChecksum(MemoryMarshal.AsBytes(features.AsSpan()), MemoryMarshal.AsBytes(waveforms.AsSpan())),
            BlobOffset = 0,
        };
        // The offset is part of the header, whose length depends on the offset's digits: 32 spare bytes absorb that.
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        header = header with { BlobOffset = AlignUp(Magic.Length + 4 + json.Length + 32) };
        json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        if (Magic.Length + 4 + json.Length > header.BlobOffset)
            throw new InvalidOperationException("cache header outgrew its reserved space");

        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> prefix = stackalloc byte[12];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], (uint)json.Length);
        stream.Write(prefix);
        stream.Write(json);
        stream.Write(new byte[header.BlobOffset - stream.Position]);
        stream.Write(MemoryMarshal.AsBytes(features.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(waveforms.AsSpan()));
        stream.Flush(flushToDisk: true);
        return header;
    }

    /// <summary>
    /// Maps and verifies an entry; null (with the reason) when it is missing, partial, corrupt or of another format. The
    /// set's <see cref="FeatureSet.Data"/> and <see cref="FeatureSet.Waveforms"/> are views of the mapped file, not copies.
    /// The blob's checksum is computed only when the file's <see cref="BlobStamp"/> changed since it last passed
    /// (<c>BlobChecked</c> says whether it was); the header and the length are always checked.
    /// </summary>
    public static (FeatureCacheHeader Header, FeatureSet Features, bool BlobChecked)? TryRead(string path, out string? invalidReason)
    {
        invalidReason = null;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        if (stream.Length is var length && length < Magic.Length + 4)
        {
            stream.Dispose();
            return Invalid($"file is {length} bytes, shorter than its magic and header length", out invalidReason);
        }
        var (written, created) = (File.GetLastWriteTimeUtc(stream.SafeFileHandle), File.GetCreationTimeUtc(stream.SafeFileHandle));
        var mapped = MappedFile.Open(stream);
        try
        {
            var prefix = mapped.Bytes(0, Magic.Length + 4);
            if (!prefix[..8].SequenceEqual(Magic))
                return Invalid("wrong magic", out invalidReason, mapped);
            var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
            if (headerLength > MaxHeaderBytes || prefix.Length + headerLength > mapped.Length)
                return Invalid($"header length {headerLength} is impossible", out invalidReason, mapped);
            var header = JsonSerializer.Deserialize<FeatureCacheHeader>(mapped.Bytes(prefix.Length, headerLength), Json);
            if (header is null || header.Format != FeatureCacheHeader.CurrentFormat)
                return Invalid($"format {header?.Format} is not {FeatureCacheHeader.CurrentFormat}", out invalidReason, mapped);
            var blobBytes = 4 * (header.FeatureFloats + header.WaveformFloats);
            if (mapped.Length != header.BlobOffset + blobBytes)
                return Invalid($"file is {mapped.Length} bytes, header says {header.BlobOffset + blobBytes} (truncated or partial write)", out invalidReason, mapped);
            var stamp = new BlobStamp(mapped.Length, written.Ticks, created.Ticks, header.BlobXxh128);
            var check = BlobStamp.Recorded(path) != stamp;
            if (check)
            {
                var checkedUtc = DateTime.UtcNow;
                if (BlobChecksum(mapped.Bytes(header.BlobOffset, blobBytes), []) != header.BlobXxh128)
                    return Invalid("blob checksum (XXH128) does not match the header (corrupt)", out invalidReason, mapped);
                stamp.Record(path, checkedUtc);
            }
            var blob = mapped.Floats(header.BlobOffset, header.FeatureFloats + header.WaveformFloats);
            return (header, header.ToFeatureSet(blob[..(int)header.FeatureFloats], blob[(int)header.FeatureFloats..]), check);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return Invalid($"unreadable: {e.Message}", out invalidReason, mapped);
        }
    }

    private static string BlobChecksum(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hash = new XxHash128();
        hash.Append(first);
        hash.Append(second);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static (FeatureCacheHeader, FeatureSet, bool)? Invalid(string reason, out string? invalidReason, MappedFile? mapped = null)
    {
        mapped?.Dispose();
        invalidReason = reason;
        return null;
    }

    private static long AlignUp(long offset) => (offset + Alignment - 1) / Alignment * Alignment;
}
