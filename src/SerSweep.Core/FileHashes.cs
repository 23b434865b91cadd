using System.Security.Cryptography;

namespace SerSweep.Core;

public static class FileHashes
{
    /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
    public static async Task<string> Sha256Async(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }
}
