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
    /// own). It did not make reloads measurably faster on the machine it was measured on (0.496 -> 0.477 s, see
    /// bench/report/notes/cache-miss.md): reading the blob into fresh memory costs more there than either check.
    /// </summary>
    public required string BlobXxh128 { get; init; }
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
            BlobXxh128 = BlobChecksum(features, waveforms),
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

    /// <summary>Reads and verifies an entry; null (with the reason) when it is missing, partial, corrupt or of another format.</summary>
    public static (FeatureCacheHeader Header, float[] Features, float[] Waveforms)? TryRead(string path, out string? invalidReason)
    {
        invalidReason = null;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        using (stream)
        {
            try
            {
                Span<byte> prefix = stackalloc byte[12];
                stream.ReadExactly(prefix);
                if (!prefix[..8].SequenceEqual(Magic))
                    return Invalid("wrong magic", out invalidReason);
                var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
                if (headerLength > MaxHeaderBytes || headerLength > stream.Length)
                    return Invalid($"header length {headerLength} is impossible", out invalidReason);
                var json = new byte[headerLength];
                stream.ReadExactly(json);
                var header = JsonSerializer.Deserialize<FeatureCacheHeader>(json, Json);
                if (header is null || header.Format != FeatureCacheHeader.CurrentFormat)
                    return Invalid($"format {header?.Format} is not {FeatureCacheHeader.CurrentFormat}", out invalidReason);
                var expectedLength = header.BlobOffset + 4 * (header.FeatureFloats + header.WaveformFloats);
                if (stream.Length != expectedLength)
                    return Invalid($"file is {stream.Length} bytes, header says {expectedLength} (truncated or partial write)", out invalidReason);
                stream.Position = header.BlobOffset;
                // Uninitialised: the read overwrites every element, so zeroing 60 MB first would be wasted work.
                var features = GC.AllocateUninitializedArray<float>(checked((int)header.FeatureFloats));
                var waveforms = GC.AllocateUninitializedArray<float>(checked((int)header.WaveformFloats));
                stream.ReadExactly(MemoryMarshal.AsBytes(features.AsSpan()));
                stream.ReadExactly(MemoryMarshal.AsBytes(waveforms.AsSpan()));
                if (BlobChecksum(features, waveforms) != header.BlobXxh128)
                    return Invalid("blob checksum (XXH128) does not match the header (corrupt)", out invalidReason);
                return (header, features, waveforms);
            }
            catch (Exception e) when (e is EndOfStreamException or JsonException or NotSupportedException)
            {
                return Invalid($"unreadable: {e.Message}", out invalidReason);
            }
        }
    }

    private static string BlobChecksum(float[] features, float[] waveforms)
    {
        var hash = new XxHash128();
        hash.Append(MemoryMarshal.AsBytes(features.AsSpan()));
        hash.Append(MemoryMarshal.AsBytes(waveforms.AsSpan()));
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static (FeatureCacheHeader, float[], float[])? Invalid(string reason, out string? invalidReason)
    {
        invalidReason = reason;
        return null;
    }

    private static long AlignUp(long offset) => (offset + Alignment - 1) / Alignment * Alignment;
}
