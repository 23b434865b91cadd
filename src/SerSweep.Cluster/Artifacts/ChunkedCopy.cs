using System.Security.Cryptography;
using SerSweep.Core;

namespace SerSweep.Cluster.Artifacts;

/// <summary>Moves a file between silos through grain calls of bounded size, checked by SHA-256 at the far end.</summary>
public static class ChunkedCopy
{
    /// <summary>
    /// Fetches <paramref name="bytes"/> bytes through <paramref name="read"/> (offset -> next chunk) into a temporary
    /// file beside <paramref name="local"/>, checks its SHA-256 and moves it into place: a torn or corrupted copy never
    /// replaces anything.
    /// </summary>
    public static async Task DownloadAsync(Func<long, Task<byte[]>> read, long bytes, string sha256, string local, string what, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var temp = $"{local}.download-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await using (var file = File.Create(temp))
            {
                for (long offset = 0; offset < bytes; )
                {
                    var chunk = await read(offset).WaitAsync(cancel);
                    if (chunk.Length == 0) throw new IOException($"{what} ended at {offset} of {bytes} bytes");
                    await file.WriteAsync(chunk, cancel);
                    offset += chunk.Length;
                }
            }
            if (await FileHashes.Sha256Async(temp) != sha256) throw new IOException($"{what} arrived corrupted (SHA-256 mismatch)");
            File.Move(temp, local, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The serving side of <see cref="DownloadAsync"/>: up to <paramref name="maxBytes"/> bytes of <paramref name="path"/> from <paramref name="offset"/> (fewer at its end).</summary>
    public static async Task<byte[]> ReadChunkAsync(string path, long offset, int length, int maxBytes)
    {
        await using var file = File.OpenRead(path);
        file.Position = offset;
        var buffer = new byte[Math.Clamp(length, 0, maxBytes)];
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    /// <summary>
    /// Sends <paramref name="local"/> through <paramref name="write"/> (offset, chunk, chunk SHA-256) in chunks of at
    /// most <paramref name="chunkBytes"/>; returns its length and SHA-256 for the final check.
    /// </summary>
    public static async Task<(long Bytes, string Sha256)> UploadAsync(string local, int chunkBytes, Func<long, byte[], string, Task> write, CancellationToken cancel)
    {
        await using var file = File.OpenRead(local);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[chunkBytes];
        long offset = 0;
        while (true)
        {
            var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancel);
            if (read == 0 && offset > 0) break;
            var chunk = buffer[..read];
            whole.AppendData(chunk);
            await write(offset, chunk, Convert.ToHexStringLower(SHA256.HashData(chunk)));
            offset += read;
            if (read < buffer.Length) break;
        }
        return (offset, Convert.ToHexStringLower(whole.GetHashAndReset()));
    }
}
