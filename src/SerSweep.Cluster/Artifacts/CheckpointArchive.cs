using System.IO.Compression;

namespace SerSweep.Cluster.Artifacts;

/// <summary>
/// An epoch checkpoint folder (whatever files the trainer writes: weights, optimizer, best weights, state) packed
/// as one uncompressed zip for the store: float weights barely compress, and storing costs no CPU.
/// </summary>
public static class CheckpointArchive
{
    public static void Pack(string dir, string archive)
    {
        File.Delete(archive);
        ZipFile.CreateFromDirectory(dir, archive, CompressionLevel.NoCompression, includeBaseDirectory: false);
    }

    /// <summary>
    /// Unpacks into <paramref name="dir"/>, replacing what is there: extracted beside it (".tmp") and swapped in
    /// (the old folder is ".old" for a moment), the same names the trainers' own checkpoint writes use, so an
    /// interrupted swap is finished the same way.
    /// </summary>
    public static void Unpack(string archive, string dir)
    {
        var full = Path.GetFullPath(dir);
        var (staging, old) = (full + ".tmp", full + ".old");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        ZipFile.ExtractToDirectory(archive, staging);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(full)) Directory.Move(full, old);
        Directory.Move(staging, full);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}
