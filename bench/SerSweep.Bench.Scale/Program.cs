// The scale simulation (issue 24): one coordinator silo and --workers worker silos (default 32 x 4 slots) in one
// Orleans cluster over loopback TCP with Redis membership, every worker a whole `sersweep silo --role worker` host
// (SerSweepHost) with the no-op synthetic trainer (no sleep, no files). --trials trials (default 20 000, spread over
// --sweeps concurrent sweeps, each allowed every slot) of --epochs epochs each go the full path: coordinator grain ->
// slot scheduler -> trial grain on a worker -> one report per epoch and the result -> the single SQLite writer.
//
// The coordinator silo runs in this process, so this process's CPU and memory are the coordinator's; the worker silos
// run in --processes child processes (default 1: all in one; = --workers: one silo per process, as a real cluster).
// A warm-up sweep (--warmup trials) runs first and is not counted, then the cluster idles --idle seconds (default 10), its
// CPU measured: the fixed cost of the silos, which no trial causes. Figures, over the measured run (first launch to
// the end of the last sweep): trial completions/s and epoch reports/s; the coordinator's CPU (cores) and memory; the
// writer's transactions (its own instruments: p50/p99 of BEGIN..COMMIT, writes per transaction, share of the wall
// time spent in transactions); how busy each coordinator grain was (its turns' time / wall); then the database's
// invariants (SweepInvariants: one result per trial, epochs 1..N once each): lost and duplicated trials.
//
//   dotnet run -c Release --project bench/SerSweep.Bench.Scale [-- --workers 32 --slots 4 --processes 1 --sweeps 8
//       --trials 20000 --epochs 10 --warmup 1000 --idle 10 --json]
// Exit code 0 when nothing was lost or duplicated, 1 otherwise. --json: one JSON line with every figure at the end.
using System.Text.Json;
using SerSweep.Bench.Scale;

var options = ScaleOptions.Parse(args);
if (options.WorkerHost)
{
    await WorkerSilos.RunAsync(options);
    return 0;
}

var r = await ScaleRun.RunAsync(options);
var o = r.Options;
var coordinatorBusy = r.Busy("SweepCoordinatorGrain", o.Sweeps);
var schedulerBusy = r.Busy("SlotSchedulerGrain", 1);
Console.WriteLine($"cluster: 1 coordinator + {o.Workers} workers x {o.Slots} slots in {o.Processes} worker process(es), joined in {r.StartupSeconds:0.0} s");
Console.WriteLine($"run: {o.Sweeps} sweeps, {o.Trials} trials x {o.Epochs} epochs in {r.WallSeconds:0.0} s: " +
                  $"{r.CompletionsPerSecond:0} trial completions/s, {r.EpochReportsPerSecond:0} epoch reports/s");
Console.WriteLine($"coordinator process: {r.CoordinatorCpuSeconds / r.WallSeconds:0.00} cores, RSS max {r.CoordinatorRssMaxMb:0} MB (peak {r.CoordinatorRssPeakMb:0}), managed heap max {r.CoordinatorGcHeapMb:0} MB");
Console.WriteLine($"  its threads, by name (cores): {string.Join(", ", r.CoordinatorThreads.Take(6).Select(t => $"{t.Name} {t.Seconds / r.WallSeconds:0.00}"))}");
Console.WriteLine($"workers: {r.WorkersCpuSeconds / r.WallSeconds:0.00} cores, RSS {r.WorkersRssMb:0} MB; redis {r.RedisCpuSeconds / r.WallSeconds:0.00} cores");
Console.WriteLine($"idle before the run ({o.IdleSeconds} s, no sweep): coordinator {r.IdleCores.Coordinator:0.00} cores, workers {r.IdleCores.Workers:0.00} cores");
Console.WriteLine($"CPU per trial: coordinator {r.CoordinatorCpuMsPerTrial:0.00} ms, workers {r.WorkersCpuMsPerTrial:0.00} ms (it grows under other load too); " +
                  $"coordinator silo's network messages per trial: {(double)r.CoordinatorMessages.Sent / r.TrialsStored:0.0} sent, {(double)r.CoordinatorMessages.Received / r.TrialsStored:0.0} received");
Console.WriteLine($"writer: {r.Writer.Commits} transactions, {r.Writer.MeanWrites:0.0} writes each, BEGIN..COMMIT p50 {r.Writer.P50Ms:0.00} ms, p99 {r.Writer.P99Ms:0.00} ms, max {r.Writer.MaxMs:0.0} ms; in transactions {100 * r.Writer.BusySeconds / r.WallSeconds:0}% of the wall time");
Console.WriteLine($"busy (turns / wall): each sweep coordinator grain {100 * coordinatorBusy:0}%, slot scheduler {100 * schedulerBusy:0}%");
Console.WriteLine($"search state saved with each new trial and result: that trial's record, {r.SearchRecordKb:0.00} KB at most");
foreach (var t in r.Turns.Take(8)) Console.WriteLine($"  {t.Grain}.{t.Method}: {t.Calls} calls, {t.Seconds:0.00} s, {1e6 * t.Seconds / Math.Max(1, t.Calls):0} us each");
Console.WriteLine($"database: {r.TrialsStored} of {o.Trials} trials with a result, {r.EpochsStored} of {r.EpochsExpected} epochs; lost {r.Lost}, duplicated {r.Duplicated}, invariant violations {r.Violations.Count}");
foreach (var v in r.Violations.Take(10)) Console.WriteLine($"  {v}");
if (o.Json)
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        bench = "scale", asha = o.Asha, workers = o.Workers, slots = o.Slots, processes = o.Processes, sweeps = o.Sweeps, trials = o.Trials, epochs = o.Epochs,
        startup_s = r.StartupSeconds, wall_s = r.WallSeconds, completions_per_s = r.CompletionsPerSecond, epoch_reports_per_s = r.EpochReportsPerSecond,
        trials_stored = r.TrialsStored, epochs_stored = r.EpochsStored, epochs_expected = r.EpochsExpected, lost = r.Lost, duplicated = r.Duplicated,
        violations = r.Violations.Count, coordinator_cpu_cores = r.CoordinatorCpuSeconds / r.WallSeconds, coordinator_rss_mb = r.CoordinatorRssMaxMb,
        coordinator_rss_peak_mb = r.CoordinatorRssPeakMb, coordinator_heap_mb = r.CoordinatorGcHeapMb,
        workers_cpu_cores = r.WorkersCpuSeconds / r.WallSeconds,
        coordinator_cpu_ms_per_trial = r.CoordinatorCpuMsPerTrial, workers_cpu_ms_per_trial = r.WorkersCpuMsPerTrial,
        idle_coordinator_cores = r.IdleCores.Coordinator, idle_workers_cores = r.IdleCores.Workers,
        coordinator_messages_sent = r.CoordinatorMessages.Sent, coordinator_messages_received = r.CoordinatorMessages.Received, workers_rss_mb = r.WorkersRssMb, redis_cpu_cores = r.RedisCpuSeconds / r.WallSeconds,
        commits = r.Writer.Commits, writes_per_commit = r.Writer.MeanWrites, commit_p50_ms = r.Writer.P50Ms, commit_p99_ms = r.Writer.P99Ms,
        commit_max_ms = r.Writer.MaxMs, writer_busy = r.Writer.BusySeconds / r.WallSeconds, coordinator_grain_busy = coordinatorBusy, scheduler_busy = schedulerBusy,
        search_record_kb = r.SearchRecordKb,
        coordinator_threads = r.CoordinatorThreads.Take(8).ToDictionary(t => t.Name, t => t.Seconds / r.WallSeconds),
        turns = r.Turns.Select(t => new { grain = t.Grain, method = t.Method, calls = t.Calls, seconds = t.Seconds }),
        timeline = r.Timeline.Select(t => new[] { t.Seconds, t.Finished }),
    }));
return r.Ok ? 0 : 1;
