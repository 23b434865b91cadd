using System.Security.Cryptography;

namespace SerSweep.Dashboard.Access;

/// <summary>
/// The dashboard's token when none is configured: 24 random bytes in hex, written once to a file readable by its
/// owner only (the coordinator keeps it beside its database, on its volume), so a restart keeps signed-in browsers
/// and scripts working. Without a file the token lives as long as the process.
/// </summary>
internal static class GeneratedToken
{
    public sealed record Source(string Token, string Origin);

    public static Source Resolve(string? configured, string? file)
    {
        if (!string.IsNullOrEmpty(configured))
            return new(configured, "configured (Dashboard__Token)");
        if (file is null)
            return new(New(), "generated for this run");
        var path = Path.GetFullPath(file);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } kept)
            return new(kept, $"kept in {path}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = New();
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, create))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(token);
        return new(token, $"generated and kept in {path}");
    }

    private static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
