using System.Globalization;

namespace SerSweep.Audio.Cache;

/// <summary>
/// What a cache file looked like when its blob last passed the XXH128 check: size, last write time and creation time
/// (on Linux the birth time, which changes when the file is replaced by another: .NET exposes no inode number), with
/// the checksum its header claims. A load whose file still matches skips the check, the way make and git trust a file
/// whose stat did not change; any difference means a full check. Kept beside the entry as "KEY.features.verified",
/// one line, replaced atomically. Recorded only when the check ran more than <see cref="FileHashManifest.RacyWindow"/>
/// after the file's last write, so a rewrite within the same timestamp tick cannot inherit the stamp.
/// </summary>
internal sealed record BlobStamp(long Size, long WrittenTicks, long CreatedTicks, string BlobXxh128)
{
    public static string PathOf(string cachePath) => cachePath + ".verified";

    /// <summary>The stamp recorded for <paramref name="cachePath"/>; null when there is none or it is unreadable.</summary>
    public static BlobStamp? Recorded(string cachePath)
    {
        try
        {
            var fields = File.ReadAllText(PathOf(cachePath)).Split(' ');
            return fields.Length == 4 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out var size)
                && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var written)
                && long.TryParse(fields[2], CultureInfo.InvariantCulture, out var created)
                ? new BlobStamp(size, written, created, fields[3].Trim())
                : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records this stamp for <paramref name="cachePath"/> after a check that passed at <paramref name="checkedUtc"/>, unless that was too soon after the last write.</summary>
    public void Record(string cachePath, DateTime checkedUtc)
    {
        if (checkedUtc.Ticks - WrittenTicks <= FileHashManifest.RacyWindow.Ticks) return;
        try
        {
            AtomicFile.Replace(PathOf(cachePath), temp =>
                File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{Size} {WrittenTicks} {CreatedTicks} {BlobXxh128}")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache folder (a copy on a shared disk): every load then checks in full, as before.
        }
    }
}
