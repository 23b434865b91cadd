namespace SerSweep.Audio.Cache;

/// <summary>
/// Replaces a file whole: the content is written to a temporary file beside it (named for this process, so concurrent
/// writers never share one), which is then renamed over the target. A reader sees the old file or the new one, never a
/// half-written one; a failed write leaves the target as it was and no temporary file behind.
/// </summary>
internal static class AtomicFile
{
    public static T Replace<T>(string path, Func<string, T> writeTemp)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            var written = writeTemp(temp);
            File.Move(temp, path, overwrite: true);
            return written;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static void Replace(string path, Action<string> writeTemp) => Replace(path, temp => { writeTemp(temp); return 0; });
}
