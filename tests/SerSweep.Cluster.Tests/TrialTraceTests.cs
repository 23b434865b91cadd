using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SerSweep.Cluster.Telemetry;
using SerSweep.Cluster.Trainers;
using SerSweep.Host;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>
/// One trial attempt is one trace across silos: the coordinator's dispatch span, the worker's training span (with an
/// event per epoch) under it, and the coordinator's commit span under the training, exported in memory.
/// </summary>
public sealed class TrialTraceTests
{
    [Fact]
    public async Task OneTrialIsOneTraceFromTheCoordinatorThroughTrainingOnTheWorkerToTheCommit()
    {
        const int epochs = 3;
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSerSweepTraces()
            .AddInMemoryExporter(spans)
            .Build();
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(50) });
        var coordinator = cluster.Coordinator.SiloAddress.ToParsableString();
        var worker = cluster.Workers.Single().SiloAddress.ToParsableString();
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 1, concurrent: 1, epochs: epochs));
        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromMinutes(2));
        var attempt = Assert.Single(await cluster.AttemptsAsync());

        // A span is exported when it ends, and the worker's training span ends after the commit it encloses has
        // returned, so the sweep can be over before the last spans are: wait (with a deadline) for all three kinds.
        // Other tests in this process trace too: this cluster's spans are those naming its silos.
        var exported = await Wait.ForAsync(() =>
        {
            Activity[] now;
            lock (spans) now = [.. spans];
            var names = now.Where(s => Tag(s, "sersweep.silo") is { } silo && (silo == worker || silo == coordinator)).Select(s => s.OperationName).ToHashSet();
            return Task.FromResult(names.IsSupersetOf(["sersweep.attempt", "sersweep.training", "sersweep.commit"]) ? now : null);
        }, TimeSpan.FromSeconds(30), "the attempt, training and commit spans to be exported");
        var root = Assert.Single(exported, s => s.OperationName == "sersweep.attempt" && Tag(s, "sersweep.silo") == worker);
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal(attempt.TrialId, (long)root.GetTagItem("sersweep.trial_id")!);
        Assert.Equal(attempt.Number, (int)root.GetTagItem("sersweep.attempt")!);
        var trace = exported.Where(s => s.TraceId == root.TraceId).ToDictionary(s => s.SpanId);

        var training = Assert.Single(trace.Values, s => s.OperationName == "sersweep.training");
        Assert.Equal(worker, Tag(training, "sersweep.silo"));
        Assert.True(Descends(training, root, trace), "the training span is not under the coordinator's attempt span");
        Assert.Equal(Enumerable.Range(1, epochs), training.Events.Where(e => e.Name == "epoch").Select(e => (int)e.Tags.First(t => t.Key == "epoch").Value!));

        var commit = Assert.Single(trace.Values, s => s.OperationName == "sersweep.commit");
        Assert.Equal(coordinator, Tag(commit, "sersweep.silo"));
        Assert.True(Descends(commit, training, trace), "the commit span is not under the worker's training span");
        Assert.True(commit.StartTimeUtc >= training.Events.Last().Timestamp.UtcDateTime, "the result was committed before the last epoch");

        // Only trial traces are recorded: every exported span of this cluster belongs to a trace a SerSweep span started
        // (Orleans' own calls - membership, directory, reminders, progress reads - start none).
        Activity[] all;
        lock (spans) all = [.. spans];
        var trialTraces = all.Where(s => s.Source.Name == SweepTracing.SourceName).Select(s => s.TraceId).ToHashSet();
        var orleansSpans = all.Where(s => s.Source.Name != SweepTracing.SourceName).ToList();
        Assert.Contains(orleansSpans, s => s.TraceId == root.TraceId);
        Assert.All(orleansSpans, s => Assert.Contains(s.TraceId, trialTraces));
    }

    [Theory]
    [InlineData("sersweep.attempt", null, true)]                      // a SerSweep span starts a trace
    [InlineData("IMembershipService/Ping", null, false)]              // Orleans' own traffic starts none
    [InlineData("ISweepCoordinatorGrain/GetProgress", null, false)]
    [InlineData("ITrialGrain/Start", true, true)]                     // a call inside a recorded trial trace
    [InlineData("ITrialGrain/Start", false, false)]                   // a call under a dropped span
    public void Only_spans_of_trial_traces_are_recorded(string name, bool? parentRecorded, bool recorded)
    {
        var parent = parentRecorded is { } flag
            ? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flag ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None)
            : default;
        var decision = TrialTraceSampler.Instance.ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), name, ActivityKind.Internal)).Decision;
        Assert.Equal(recorded ? SamplingDecision.RecordAndSample : SamplingDecision.Drop, decision);
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key) as string;

    /// <summary>Whether <paramref name="ancestor"/> is reached from <paramref name="span"/> through exported parents (Orleans' call spans sit between).</summary>
    private static bool Descends(Activity span, Activity ancestor, IReadOnlyDictionary<ActivitySpanId, Activity> trace)
    {
        for (var parent = span.ParentSpanId; parent != default; parent = trace.TryGetValue(parent, out var next) ? next.ParentSpanId : default)
            if (parent == ancestor.SpanId) return true;
        return false;
    }
}
