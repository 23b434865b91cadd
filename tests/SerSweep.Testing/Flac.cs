using System.Diagnostics;

namespace SerSweep.Testing;

/// <summary>Debian's flac encoder (deploy/install-deps installs it), the reference for the FLAC decoder's tests.</summary>
public static class Flac
{
    /// <summary>Encodes <paramref name="wav"/> at compression <paramref name="level"/> (0-8) into <paramref name="dir"/>; returns the .flac path.</summary>
    public static string Encode(string wav, string dir, int level = 5)
    {
        var flac = Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(wav)}-{level}.flac");
        using var encoder = Process.Start(new ProcessStartInfo("flac", ["--silent", "--force", $"-{level}", "-o", flac, wav]) { RedirectStandardError = true })!;
        if (!encoder.WaitForExit(60_000)) throw new TimeoutException($"flac did not finish encoding {wav} within 60 s");
        if (encoder.ExitCode != 0) throw new InvalidOperationException($"flac exit {encoder.ExitCode} on {wav}: {encoder.StandardError.ReadToEnd()}");
        return flac;
    }
}
