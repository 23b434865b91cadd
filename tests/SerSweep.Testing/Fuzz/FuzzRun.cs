using System.Collections.Concurrent;
using System.Diagnostics;

namespace SerSweep.Testing.Fuzz;

/// <summary>
/// The bookkeeping of one fuzz property: how many cases it runs (a few hundred in the test suite; the campaign,
/// deploy/fuzz, sets SERSWEEP_FUZZ_&lt;NAME&gt; much higher), a deadline and a memory bound for every case (a hang or
/// unbounded memory fails the case like a crash does), and the tally of outcomes, written to
/// .cache/fuzz/&lt;name&gt;.txt so that a campaign reports every distinct error type it met.
/// </summary>
public sealed class FuzzRun(string name, int defaultCases)
{
    private readonly ConcurrentDictionary<string, long> tally = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long cases;

    /// <summary>Cases to run: SERSWEEP_FUZZ_&lt;NAME&gt; when set, else the suite's small default.</summary>
    public long Iterations { get; } = long.TryParse(Environment.GetEnvironmentVariable($"SERSWEEP_FUZZ_{name.ToUpperInvariant().Replace('-', '_')}"), out var n) && n > 0 ? n : defaultCases;

    /// <summary>Longest a single case may take before it counts as a hang (generous: 2 shared cores, GC pauses).</summary>
    public TimeSpan CaseDeadline { get; init; } = TimeSpan.FromSeconds(30);

    public long Cases => Interlocked.Read(ref cases);

    /// <summary>Counts one case and what came of it ("valid", an error kind, an HTTP status and its message shape, ...).</summary>
    public void Record(params IEnumerable<string> outcomes)
    {
        Interlocked.Increment(ref cases);
        foreach (var outcome in outcomes) tally.AddOrUpdate(outcome, 1, (_, c) => c + 1);
    }

    /// <summary>Runs <paramref name="work"/> on its own thread within the case deadline, while the process allocates at most
    /// <paramref name="maxAllocatedBytes"/> (managed; the work may start threads of its own); a hang or a runaway
    /// allocation throws with <paramref name="describe"/>.</summary>
    public T Guard<T>(Func<T> work, long maxAllocatedBytes, Func<string> describe)
    {
        T? result = default;
        Exception? failure = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            var before = GC.GetTotalAllocatedBytes();
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
            allocated = GC.GetTotalAllocatedBytes() - before;
        }) { IsBackground = true, Name = $"fuzz-{name}" };
        thread.Start();
        if (!thread.Join(CaseDeadline))
            throw new TimeoutException($"{name}: a case ran longer than {CaseDeadline} (hang?): {describe()}");
        if (failure is not null)
            throw new FuzzFailure($"{name}: {failure.GetType().FullName} escaped: {describe()}", failure);
        if (allocated > maxAllocatedBytes)
            throw new FuzzFailure($"{name}: a case allocated {allocated:N0} bytes, more than the bound of {maxAllocatedBytes:N0}: {describe()}", null);
        return result!;
    }

    /// <summary>The tally, as written to .cache/fuzz/&lt;name&gt;.txt.</summary>
    public string Report()
    {
        var lines = tally.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Value,10}  {kv.Key}");
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20);
        var text = $"{name}: {Cases} cases in {clock.Elapsed.TotalSeconds:0.0} s, {tally.Count} distinct outcomes, peak working set {peak} MiB\n{string.Join('\n', lines)}\n";
        var dir = Directory.CreateDirectory(Path.Combine(TestPaths.RepoRoot, ".cache", "fuzz")).FullName;
        File.WriteAllText(Path.Combine(dir, $"{name}.txt"), text);
        return text;
    }

    /// <summary>Error messages with their specifics (quoted text, numbers, paths) blanked: one line per kind of error.</summary>
    public static string Shape(string message) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(message, @"'[^']*'|""[^""]*""|\[[^\]]*\]", "…"),
            @"-?\d+(\.\d+)?([eE][-+]?\d+)?", "N");
}

/// <summary>An input made the code under test do what it must never do: throw an undocumented exception, or allocate without bound.</summary>
public sealed class FuzzFailure(string message, Exception? inner) : Exception(message, inner);
