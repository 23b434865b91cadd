using System.Diagnostics;

namespace SerSweep.Testing;

/// <summary>Debian's lame MP3 encoder (deploy/install-deps installs it), for tests that need real MP3 files.</summary>
public static class Lame
{
    /// <summary>Encodes <paramref name="wav"/> at 192 kbit/s into <paramref name="dir"/>; returns the .mp3 path.</summary>
    public static string Encode(string wav, string dir)
    {
        var mp3 = Path.Combine(dir, Path.GetFileNameWithoutExtension(wav) + ".mp3");
        using var lame = Process.Start(new ProcessStartInfo("lame", ["--quiet", "-b", "192", wav, mp3]) { RedirectStandardError = true })!;
        if (!lame.WaitForExit(60_000)) throw new TimeoutException($"lame did not finish encoding {wav} within 60 s");
        if (lame.ExitCode != 0) throw new InvalidOperationException($"lame exit {lame.ExitCode} on {wav}: {lame.StandardError.ReadToEnd()}");
        return mp3;
    }
}
