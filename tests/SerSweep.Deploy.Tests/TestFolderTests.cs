using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// TestPaths.DeleteStale, which every test process runs before it makes its first folder, on a temp folder of its own
/// here: what it deletes and what it keeps follows from each folder's name, owner and age as set up below.
/// </summary>
public sealed class TestFolderTests : IDisposable
{
    private readonly string _temp = TestPaths.NewTempDir("sersweep-stale");
    private readonly DateTime _now = DateTime.UtcNow;

    [Fact]
    public void Deletes_the_folders_of_gone_test_processes_and_old_folders_of_earlier_runs_and_keeps_everything_else()
    {
        var gone = Folder(Path.Combine("sersweep-tests", "999999999"));   // above Linux's largest PID
        var running = Folder(Path.Combine("sersweep-tests", Environment.ProcessId.ToString()));
        var earlierOld = Folder($"sersweep-cluster-{Guid.NewGuid():N}", age: TimeSpan.FromHours(2));
        var earlierRecent = Folder($"sersweep-cluster-{Guid.NewGuid():N}", age: TimeSpan.FromMinutes(10));
        var sharedCache = Folder("sersweep-training-tests-features", age: TimeSpan.FromDays(3));
        var someoneElses = Folder($"other-{Guid.NewGuid():N}", age: TimeSpan.FromDays(3));

        TestPaths.DeleteStale(_temp, _now);

        Assert.False(Directory.Exists(gone), "a gone process's folder is left");
        Assert.False(Directory.Exists(earlierOld), "an earlier run's folder of two hours ago is left");
        Assert.All([running, earlierRecent, sharedCache, someoneElses], dir => Assert.True(Directory.Exists(dir), $"{dir} was deleted"));
    }

    private string Folder(string name, TimeSpan age = default)
    {
        var dir = Path.Combine(_temp, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        Directory.SetLastWriteTimeUtc(dir, _now - age);
        return dir;
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
