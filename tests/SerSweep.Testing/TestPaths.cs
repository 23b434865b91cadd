using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SerSweep.Testing;

/// <summary>Where the repository and the shared data beside it are, for tests run from any folder.</summary>
public static partial class TestPaths
{
    /// <summary>The repository root: the nearest ancestor of the test binary holding SerSweep.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// ../shared beside the repository (or $SERSWEEP_SHARED). Tests that need real data fail, not skip,
    /// when it is missing: a green run must have exercised them.
    /// </summary>
    public static string SharedDir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("SERSWEEP_SHARED") is { Length: > 0 } env
                ? env
                : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"shared data not found at {dir}: clone the repo beside ../shared or set SERSWEEP_SHARED");
            return dir;
        }
    }

    /// <summary>RAVDESS root with Actor_01..Actor_04 (240 files).</summary>
    public static string Ravdess => Path.Combine(SharedDir, "ravdess");

    public static string TorchaudioReference => Path.Combine(SharedDir, "reference", "torchaudio-features.json");

    /// <summary>
    /// A fresh empty folder for one test, under this test process's own folder (temp dir/sersweep-tests/PID). That folder
    /// is deleted when the process exits, and a later test process deletes any whose process is gone (killed, or cut
    /// short before its clean-up ended): a full run made about 0.7 GB of such folders, and a machine that runs the suite
    /// again and again (CI) would fill its disk with them. SERSWEEP_KEEP_TEST_DIRS=1 keeps this run's.
    /// </summary>
    public static string NewTempDir(string prefix = "sersweep-test")
    {
        var dir = Path.Combine(TempRoot.Value, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static readonly Lazy<string> TempRoot = new(() =>
    {
        DeleteStale(Path.GetTempPath(), DateTime.UtcNow);
        var root = Path.Combine(Path.GetTempPath(), "sersweep-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        if (Environment.GetEnvironmentVariable("SERSWEEP_KEEP_TEST_DIRS") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    /// <summary>
    /// Deletes what earlier test processes left in <paramref name="temp"/>: sersweep-tests/PID of every process that is
    /// gone, and the prefix-GUID folders test processes made right in the temp folder before sersweep-tests existed
    /// (nothing makes them now), once an hour has passed since they were last written.
    /// </summary>
    public static void DeleteStale(string temp, DateTime utcNow)
    {
        var parent = Path.Combine(temp, "sersweep-tests");
        if (Directory.Exists(parent))
            foreach (var other in Directory.EnumerateDirectories(parent))
                if (int.TryParse(Path.GetFileName(other), out var pid) && !IsRunning(pid)) TryDelete(other);
        foreach (var old in Directory.EnumerateDirectories(temp, "sersweep-*"))
            if (EarlierTestFolder().IsMatch(Path.GetFileName(old)) && utcNow - Directory.GetLastWriteTimeUtc(old) > TimeSpan.FromHours(1))
                TryDelete(old);
    }

    [GeneratedRegex("^sersweep-[a-z0-9-]+-[0-9a-f]{32}$")]
    private static partial Regex EarlierTestFolder();

    private static bool IsRunning(int pid)
    {
        try { using var process = Process.GetProcessById(pid); return !process.HasExited; }
        catch (ArgumentException) { return false; }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another process at it: left to the next run
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SerSweep.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"SerSweep.sln not found above {AppContext.BaseDirectory}");
    }
}
