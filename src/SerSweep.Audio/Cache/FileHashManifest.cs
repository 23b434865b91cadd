using System.Security.Cryptography;
using System.Text.Json;

namespace SerSweep.Audio.Cache;

/// <summary>
/// Remembers the SHA-256 of audio files by (full path, size, last write time), so that a cache lookup re-reads only
/// the files whose stat changed instead of hashing ~100 MB of WAV content every time. Kept as one JSON file in the
/// cache directory, replaced atomically (a concurrent writer can only lose entries, which are then hashed again).
/// An entry hashed less than <see cref="RacyWindow"/> after the file's last write is not trusted: a write in the same
/// timestamp tick with the same size would otherwise go unnoticed (git's "racy clean" problem).
/// </summary>
public sealed class FileHashManifest
{
    public const string FileName = "file-hashes.json";
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly string? _path;
    private readonly Dictionary<string, Entry> _entries;

    private FileHashManifest(string? path, Dictionary<string, Entry> entries)
    {
        _path = path;
        _entries = entries;
    }

    /// <summary>How many files this instance read and hashed (files found unchanged in the manifest do not count).</summary>
    public int FilesHashed { get; private set; }

    /// <summary>A manifest that starts empty and is never saved: every file is hashed.</summary>
    public static FileHashManifest Transient() => new(null, new Dictionary<string, Entry>(StringComparer.Ordinal));

    /// <summary>The manifest of <paramref name="cacheDirectory"/>; empty when missing or unreadable (then everything is hashed).</summary>
    public static FileHashManifest Load(string cacheDirectory)
    {
        var path = Path.Combine(cacheDirectory, FileName);
        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(path), FeatureCacheFile.Json);
            return new FileHashManifest(path, entries ?? new Dictionary<string, Entry>(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return new FileHashManifest(path, new Dictionary<string, Entry>(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// The SHA-256 of each file's content: from the manifest when its size and last write time are unchanged, else read
    /// and hashed (in parallel) and recorded. Saves the manifest when anything was hashed. Returns the hashes in the
    /// order of <paramref name="paths"/>.
    /// </summary>
    public byte[][] HashAll(IReadOnlyList<string> paths)
    {
        var hashes = new byte[paths.Count][];
        var stats = new (long Size, DateTime WrittenUtc)[paths.Count];
        var stale = new List<int>();
        for (var i = 0; i < paths.Count; i++)
        {
            var info = new FileInfo(paths[i]);
            stats[i] = (info.Length, info.LastWriteTimeUtc);
            if (_entries.TryGetValue(paths[i], out var entry) && entry.Matches(stats[i].Size, stats[i].WrittenUtc))
                hashes[i] = Convert.FromHexString(entry.Sha256);
            else
                stale.Add(i);
        }
        if (stale.Count == 0) return hashes;

        var hashedAt = DateTime.UtcNow;
        Parallel.ForEach(stale, i => hashes[i] = HashFile(paths[i]));
        foreach (var i in stale)
            _entries[paths[i]] = new Entry(stats[i].Size, stats[i].WrittenUtc.Ticks, Convert.ToHexStringLower(hashes[i]), hashedAt.Ticks);
        FilesHashed += stale.Count;
        Save();
        return hashes;
    }

    private void Save()
    {
        if (_path is null) return;
        foreach (var gone in _entries.Keys.Where(p => !File.Exists(p)).ToArray()) _entries.Remove(gone);
        AtomicFile.Replace(_path, temp => File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_entries, FeatureCacheFile.Json)));
    }

    private static byte[] HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return SHA256.HashData(stream);
    }

    private sealed record Entry(long Size, long WrittenTicks, string Sha256, long HashedTicks)
    {
        public bool Matches(long size, DateTime writtenUtc) =>
            Size == size && WrittenTicks == writtenUtc.Ticks && HashedTicks - WrittenTicks > RacyWindow.Ticks;
    }
}
