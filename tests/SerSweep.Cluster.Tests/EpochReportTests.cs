using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Grains;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;

namespace SerSweep.Cluster.Tests;

public sealed class EpochReportTests
{
    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static TrialAssignment Assignment(int[] judged, bool isFold = false) =>
        new(1, 7, 0, 1, "{}", 0, "val_accuracy", 5) { JudgedEpochs = judged, IsFold = isFold };

    private static EpochProgress Epoch(int epoch, int of = 10, bool checkpoint = false) =>
        new(7, 1, epoch, of, new MetricValues { ValAccuracy = epoch / 10.0 }, 1e-3, 0.01, checkpoint);

    private static (EpochReportBatch Batch, List<int[]> Sent, ManualClock Clock) Batch(TrialAssignment assignment, EpochAnswer? answer = null)
    {
        var sent = new List<int[]>();
        var clock = new ManualClock();
        var batch = new EpochReportBatch(assignment, TimeSpan.FromSeconds(1), clock, (epochs, _) =>
        {
            sent.Add([.. epochs.Select(e => e.Epoch)]);
            return Task.FromResult(answer ?? EpochAnswer.Continue);
        });
        return (batch, sent, clock);
    }

    [Fact]
    public async Task Epochs_between_judged_epochs_wait_and_a_judged_epoch_sends_them_with_it_and_returns_its_answer()
    {
        var stop = new EpochAnswer(EpochVerdict.Stop, "stopped at rung epoch 3");
        var (batch, sent, _) = Batch(Assignment(judged: [3, 9]), stop);

        Assert.Equal(EpochAnswer.Continue, await batch.AddAsync(Epoch(1), null, default));
        Assert.Equal(EpochAnswer.Continue, await batch.AddAsync(Epoch(2), null, default));
        Assert.Empty(sent);

        Assert.Equal(stop, await batch.AddAsync(Epoch(3), null, default));
        Assert.Equal([1, 2, 3], Assert.Single(sent));
        Assert.Empty(batch.TakeWaiting());
    }

    [Fact]
    public async Task A_checkpoint_s_epoch_is_sent_with_those_waiting_once_its_upload_ends_and_the_next_epochs_train_meanwhile()
    {
        var (batch, sent, _) = Batch(Assignment(judged: []));
        var upload = new TaskCompletionSource<bool>();
        for (var epoch = 1; epoch <= 3; epoch++) await batch.AddAsync(Epoch(epoch, of: 6), null, default);
        // Answered at once, nothing sent while the upload runs.
        Assert.Equal(EpochAnswer.Continue, await batch.AddAsync(Epoch(4, of: 6, checkpoint: true), upload.Task, default));
        Assert.Equal(EpochAnswer.Continue, await batch.AddAsync(Epoch(5, of: 6), null, default));
        Assert.Empty(sent);

        upload.SetResult(true);
        Assert.Null(await batch.SettleAsync());
        Assert.Equal([1, 2, 3, 4], Assert.Single(sent));
        await batch.AddAsync(Epoch(6, of: 6), null, default);
        Assert.Equal([5, 6], batch.TakeWaiting().Select(e => e.Epoch));
    }

    [Fact]
    public async Task A_checkpoint_the_store_did_not_take_is_reported_as_not_written()
    {
        var reports = new List<EpochProgress>();
        var batch = new EpochReportBatch(Assignment(judged: []), TimeSpan.FromSeconds(1), new ManualClock(), (epochs, _) =>
        {
            reports.AddRange(epochs);
            return Task.FromResult(EpochAnswer.Continue);
        });
        await batch.AddAsync(Epoch(1, checkpoint: true), Task.FromResult(false), default);
        await batch.AddAsync(Epoch(2, checkpoint: true), Task.FromResult(true), default);
        Assert.Null(await batch.SettleAsync());

        Assert.Equal([(1, false), (2, true)], reports.Select(r => (r.Epoch, r.CheckpointWritten)));
    }

    [Fact]
    public async Task A_judged_epoch_is_sent_after_the_checkpoint_before_it_and_its_answer_waits_for_both()
    {
        var stop = new EpochAnswer(EpochVerdict.Stop, "stopped at rung epoch 3");
        var (batch, sent, _) = Batch(Assignment(judged: [3]), stop);
        var upload = new TaskCompletionSource<bool>();
        await batch.AddAsync(Epoch(1), null, default);
        await batch.AddAsync(Epoch(2, checkpoint: true), upload.Task, default);

        var judged = batch.AddAsync(Epoch(3), null, default);
        await Task.Delay(50);
        Assert.False(judged.IsCompleted);
        Assert.Empty(sent);

        upload.SetResult(true);
        Assert.Equal(stop, await judged.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new[] { new[] { 1, 2 }, new[] { 3 } }, sent);
    }

    [Fact]
    public async Task An_abandon_answered_to_a_send_nobody_waited_for_is_the_answer_at_the_next_epoch()
    {
        var abandon = new EpochAnswer(EpochVerdict.Abandon, "superseded");
        var (batch, _, _) = Batch(Assignment(judged: []), abandon);
        Assert.Equal(EpochAnswer.Continue, await batch.AddAsync(Epoch(1, checkpoint: true), Task.Run(async () => { await Task.Delay(20); return true; }), default));
        Assert.Null(await batch.SettleAsync());

        Assert.Equal(abandon, await batch.AddAsync(Epoch(2), null, default));
    }

    [Fact]
    public async Task An_epoch_after_the_interval_is_sent_with_those_waiting_and_the_interval_starts_again()
    {
        var (batch, sent, clock) = Batch(Assignment(judged: []));
        await batch.AddAsync(Epoch(1), null, default);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await batch.AddAsync(Epoch(2), null, default);
        Assert.Empty(sent);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await batch.AddAsync(Epoch(3), null, default);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await batch.AddAsync(Epoch(4), null, default);

        Assert.Equal([1, 2, 3], Assert.Single(sent));
        Assert.Equal([4], batch.TakeWaiting().Select(e => e.Epoch));
    }

    [Fact]
    public async Task A_fold_s_epochs_say_they_are_a_fold_s()
    {
        var (batch, _, _) = Batch(Assignment(judged: [], isFold: true));
        await batch.AddAsync(Epoch(1), null, default);

        Assert.True(Assert.Single(batch.TakeWaiting()).IsFold);
    }

    [Fact]
    public async Task In_a_sweep_the_epochs_between_rungs_and_replicated_checkpoints_are_stored_together_and_none_is_lost()
    {
        // An interval no trial reaches: only rungs, replicas and the outcome send epochs, however slowly a loaded machine
        // runs them (with the default 1 s, a stalled epoch went alone in CI). The interval's own rule: the unit tests above.
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10) },
            epochReportInterval: TimeSpan.FromMinutes(10));
        // ASHA's rungs at epochs 2 and 6 (grace 2, factor 3); replicas every 4th epoch.
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 6, concurrent: 2, epochs: 10, checkpointEvery: "4") + """

            early_stopping:
              asha:
                metric: val_accuracy
                grace_period: 2
                reduction_factor: 3
                max_epochs: 10
            """);
        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.Equal(6, trials.Count);
        Assert.Contains(trials, t => t.Status == TrialState.Completed && t.LastEpoch == 10);
        foreach (var trial in trials)
        {
            var epochs = await cluster.Queries.EpochsAsync(trial.Id);
            Assert.Equal(Enumerable.Range(1, trial.LastEpoch), epochs.Select(e => e.Epoch));
            // Written together = one write = one RecordedAt. Sent at: rung 2, replica 4, rung 6, replica 8; 9 and 10 with the outcome.
            int[][] expected = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]];
            var groups = epochs.GroupBy(e => e.RecordedAt).Select(g => g.Select(e => e.Epoch).ToArray()).ToList();
            Assert.Equal(expected.Select(g => g.Where(e => e <= trial.LastEpoch).ToArray()).Where(g => g.Length > 0), groups);
        }
    }
}
