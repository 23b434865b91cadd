using System.Collections.Concurrent;

namespace SerSweep.Testing;

/// <summary>Where the repository and the shared data beside it are, for tests run from any folder.</summary>
public static class TestPaths
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
    /// A fresh empty folder under the system temp dir, for one test. Every such folder is deleted when the test process
    /// exits (set SERSWEEP_KEEP_TEST_DIRS=1 to look into them afterwards): a full run made about 0.7 GB of them, and a
    /// machine that runs the suite again and again (CI) would fill its disk with them.
    /// </summary>
    public static string NewTempDir(string prefix = "sersweep-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        TempDirs.Add(dir);
        return dir;
    }

    private static readonly ConcurrentBag<string> TempDirs = CleanedAtExit();

    private static ConcurrentBag<string> CleanedAtExit()
    {
        var dirs = new ConcurrentBag<string>();
        if (Environment.GetEnvironmentVariable("SERSWEEP_KEEP_TEST_DIRS") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var dir in dirs)
                    try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
                    catch (IOException) { }              // a child process still writing: left behind, as before
                    catch (UnauthorizedAccessException) { }
            };
        return dirs;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SerSweep.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"SerSweep.sln not found above {AppContext.BaseDirectory}");
    }
}
