using System.Text.Json;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training;
using SerSweep.Training.Data;

namespace SerSweep.Cli.Tests;

/// <summary>
/// `train`, `evaluate` and `predict` as child processes on the real RAVDESS Actor_01..04, with a small CNN on
/// reduced features so that each run takes seconds.
/// </summary>
public class TrainEvaluatePredictTests
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "sersweep-cli-tests-features");

    private static string[] SmallRun(string outDir, params string[] extra) =>
    [
        "train", "--json", "--out", outDir, "--cache", Cache,
        "--set", $"data.path={TestPaths.Ravdess}", "--set", "features.n_mels=32", "--set", "features.hop_length=320",
        "--set", "model.channels=[8, 16]", "--set", "training.epochs=3", "--set", "training.batch_size=16", .. extra,
    ];

    private static JsonElement Json(ChildProcess.Result run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Fact]
    public async Task Train_in_two_fresh_processes_gives_identical_metrics()
    {
        var a = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir(), "--set", "training.seed=3")));
        var b = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir(), "--set", "training.seed=3")));

        Assert.Equal("completed", a.GetProperty("status").GetString());
        Assert.Equal(3, a.GetProperty("epochs").GetArrayLength());
        string Metrics(JsonElement run) =>
            string.Join(";", run.GetProperty("epochs").EnumerateArray().Select(e => $"{e.GetProperty("train_loss").GetDouble():R},{e.GetProperty("val_loss").GetDouble():R}")) +
            $"|{run.GetProperty("test").GetProperty("accuracy").GetDouble():R}|{run.GetProperty("test").GetProperty("macro_f1").GetDouble():R}";
        Assert.Equal(Metrics(a), Metrics(b));
        Assert.True(File.Exists(a.GetProperty("bundle").GetString()));
    }

    /// <summary>On CPUs NNPACK does not support (the AMD EPYC it was found on) libtorch printed a warning per conv layer and batch of 16:
    /// 52 lines for this run before NNPACK was turned off, with the same losses to the last bit.</summary>
    [Fact]
    public async Task Training_in_batches_of_16_prints_no_NNPACK_warning()
    {
        var run = await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir()));

        Assert.Equal("completed", Json(run).GetProperty("status").GetString());
        Assert.DoesNotContain("NNPACK", run.Stderr);
    }

    [Fact]
    public async Task A_bundle_predicts_in_a_fresh_process_exactly_as_it_scored_when_trained()
    {
        var trained = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir())));
        var bundlePath = trained.GetProperty("bundle").GetString()!;
        var bundle = ModelBundle.Load(bundlePath);

        // The test split of the run, rebuilt from the bundle's recorded config: predict those files in a new process.
        var catalog = Audio.Catalog.RavdessCatalog.Scan(TestPaths.Ravdess, Audio.Catalog.CatalogFilter.From(bundle.Config.Data));
        var split = Splits.Create(bundle.Config.Data.Split, catalog.Entries.Select(e => e.Name.Emotion).ToArray(), catalog.Entries.Select(e => e.Actor).ToArray());
        var testFiles = split.Test.Select(i => catalog.Entries[i]).ToArray();
        var predicted = Json(await CliProcess.RunAsync(["predict", bundlePath, .. testFiles.Select(e => e.Path), "--json"]));

        var predictions = predicted.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(testFiles.Length, predictions.Length);
        var correct = testFiles.Zip(predictions).Count(p => p.First.Name.Emotion.Name() == p.Second.GetProperty("emotion").GetString());
        Assert.Equal(bundle.Training.Test!.Accuracy, (double)correct / testFiles.Length, 12);

        // And the same probabilities as this process computes from the bundle.
        using var predictor = Predictor.Load(bundlePath);
        var local = predictor.PredictFiles([testFiles[0].Path])[0];
        foreach (var (emotion, probability) in local.Probabilities)
            Assert.Equal(probability, predictions[0].GetProperty("probabilities").GetProperty(emotion.Name()).GetDouble(), 6);
    }

    [Fact]
    public async Task A_speaker_normalised_bundle_scores_its_held_out_actor_in_evaluate_and_predict_session_as_in_training()
    {
        var trained = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir(), "--set", "features.normalize=speaker",
            "--set", "data.split.policy=actor_k_fold", "--set", "data.split.folds=4", "--set", "data.split.fold=0")));
        var bundlePath = trained.GetProperty("bundle").GetString()!;
        var bundle = ModelBundle.Load(bundlePath);
        var catalog = Audio.Catalog.RavdessCatalog.Scan(TestPaths.Ravdess, Audio.Catalog.CatalogFilter.From(bundle.Config.Data));
        var split = Splits.Create(bundle.Config.Data.Split, catalog.Entries.Select(e => e.Name.Emotion).ToArray(), catalog.Entries.Select(e => e.Actor).ToArray());
        var testFiles = split.Test.Select(i => catalog.Entries[i]).ToArray();
        var actor = Assert.Single(testFiles.Select(e => e.Actor).Distinct());

        // evaluate normalises the actor's files together, as training normalised its held-out actor.
        var evaluated = Json(await CliProcess.RunAsync("evaluate", bundlePath, "--data", TestPaths.Ravdess, "--actors", $"{actor}", "--cache", Cache, "--json"));
        // predict --session: the files given are one speaker's session.
        var predictions = Json(await CliProcess.RunAsync(["predict", bundlePath, .. testFiles.Select(e => e.Path), "--session", "--json"]))
            .GetProperty("predictions").EnumerateArray().ToArray();

        Assert.Equal(Normalization.Speaker, bundle.Config.Features.Normalize);
        Assert.Equal(bundle.Training.Test!.Accuracy, evaluated.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        var correct = testFiles.Zip(predictions).Count(p => p.First.Name.Emotion.Name() == p.Second.GetProperty("emotion").GetString());
        Assert.Equal(bundle.Training.Test!.Accuracy, (double)correct / testFiles.Length, 12);
    }

    [Fact]
    public async Task Evaluate_reports_metrics_on_a_chosen_actor_set()
    {
        var bundlePath = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir()))).GetProperty("bundle").GetString()!;

        var run = Json(await CliProcess.RunAsync("evaluate", bundlePath, "--data", TestPaths.Ravdess, "--actors", "2-3", "--cache", Cache, "--json"));

        // The expected metrics, computed here from `predict` on the same 120 files and the emotions in their names.
        var files = new[] { "Actor_02", "Actor_03" }.SelectMany(a => Directory.GetFiles(Path.Combine(TestPaths.Ravdess, a), "*.wav")).Order().ToArray();
        var predictions = Json(await CliProcess.RunAsync(["predict", bundlePath, .. files, "--json"])).GetProperty("predictions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("file").GetString()!, p => p.GetProperty("emotion").GetString()!);
        var names = Emotions.All.Select(e => e.Name()).ToArray();
        var items = files.Select(f =>
        {
            var fields = Path.GetFileNameWithoutExtension(f).Split('-');
            return (Actor: int.Parse(fields[6]), Truth: Array.IndexOf(names, ((Emotion)int.Parse(fields[2])).Name()), Predicted: Array.IndexOf(names, predictions[f]));
        }).ToList();
        var confusion = new int[8, 8];
        foreach (var (_, truth, predicted) in items) confusion[truth, predicted]++;
        double Recall(int c) => (double)confusion[c, c] / Enumerable.Range(0, 8).Sum(p => confusion[c, p]);
        double Precision(int c) => Enumerable.Range(0, 8).Sum(t => confusion[t, c]) is var n and > 0 ? (double)confusion[c, c] / n : 0;
        double F1(int c) => Precision(c) + Recall(c) is var sum and > 0 ? 2 * Precision(c) * Recall(c) / sum : 0;

        Assert.Equal(120, run.GetProperty("files").GetInt32());
        var metrics = run.GetProperty("metrics");
        Assert.Equal(items.Count(i => i.Truth == i.Predicted) / 120.0, metrics.GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(Enumerable.Range(0, 8).Average(Recall), metrics.GetProperty("uar").GetDouble(), 9);
        Assert.Equal(Enumerable.Range(0, 8).Average(F1), metrics.GetProperty("macro_f1").GetDouble(), 9);
        Assert.Equal(8, metrics.GetProperty("per_class").GetArrayLength());
        var reported = metrics.GetProperty("confusion_matrix").EnumerateArray().Select(row => row.EnumerateArray().Select(n => n.GetInt32()).ToArray()).ToArray();
        for (var t = 0; t < 8; t++)
            Assert.Equal(Enumerable.Range(0, 8).Select(p => confusion[t, p]), reported[t]);
        var perActor = metrics.GetProperty("per_actor_accuracy");
        Assert.Equal(["2", "3"], perActor.EnumerateObject().Select(p => p.Name));
        foreach (var actor in new[] { 2, 3 })
            Assert.Equal(items.Where(i => i.Actor == actor).Average(i => i.Truth == i.Predicted ? 1.0 : 0.0), perActor.GetProperty($"{actor}").GetDouble(), 9);
    }

    [Fact]
    public async Task Predict_names_a_bad_file_exits_2_and_still_predicts_the_good_ones()
    {
        var bundlePath = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir(), "--set", "training.epochs=1"))).GetProperty("bundle").GetString()!;
        var notWav = Path.Combine(TestPaths.NewTempDir(), "notes.wav");
        await File.WriteAllTextAsync(notWav, "this is not audio");
        var good = Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_01"), "*.wav").Order().First();

        var run = await CliProcess.RunAsync("predict", bundlePath, good, notWav, "--json");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("notes.wav", run.Stderr);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        var prediction = result.GetProperty("predictions").EnumerateArray().Single();
        Assert.Equal(good, prediction.GetProperty("file").GetString());
        Assert.Equal(1.0, prediction.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()), 4);
        Assert.Equal(notWav, result.GetProperty("errors").EnumerateArray().Single().GetProperty("file").GetString());
    }

    [Fact]
    public async Task Predict_timeline_prints_the_same_segments_as_json_csv_and_table()
    {
        var bundlePath = Json(await CliProcess.RunAsync(SmallRun(TestPaths.NewTempDir(), "--set", "training.epochs=1"))).GetProperty("bundle").GetString()!;
        var wav = Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_01"), "*.wav").Order().First();

        var json = Json(await CliProcess.RunAsync("predict", bundlePath, wav, "--timeline", "--hop", "0.25", "--json"));
        var csv = await CliProcess.RunAsync("predict", bundlePath, wav, "--timeline", "--hop", "0.25", "--csv");
        var table = await CliProcess.RunAsync("predict", bundlePath, wav, "--timeline", "--hop", "0.25");
        var misuse = await CliProcess.RunAsync("predict", bundlePath, wav, "--hop", "0.25");
        var tooLong = await CliProcess.RunAsync("predict", bundlePath, wav, "--timeline", "--window", "60");

        var timeline = json.GetProperty("timelines").EnumerateArray().Single();
        Assert.Equal(wav, timeline.GetProperty("file").GetString());
        var segments = timeline.GetProperty("timeline").GetProperty("segments").EnumerateArray().ToArray();
        var seconds = timeline.GetProperty("timeline").GetProperty("seconds").GetDouble();
        Assert.Equal(Audio.Wav.WavReader.Read(wav).Seconds, seconds, 3);
        Assert.Equal(0, segments[0].GetProperty("start").GetDouble());
        Assert.Equal(seconds, segments[^1].GetProperty("end").GetDouble(), 9);
        Assert.Equal((int)Math.Ceiling(seconds / 0.25 - 1e-9), timeline.GetProperty("timeline").GetProperty("windows").GetArrayLength());
        Assert.Equal(0, csv.ExitCode);
        var rows = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("file,start,end,label,confidence", rows[0]);
        Assert.Equal(segments.Select(s => $"{wav},{s.GetProperty("start").GetDouble():0.000},{s.GetProperty("end").GetDouble():0.000},{s.GetProperty("label").GetString()}"),
            rows[1..].Select(r => r[..r.LastIndexOf(',')]));
        Assert.Equal(0, table.ExitCode);
        Assert.Equal(segments.Select(s => s.GetProperty("label").GetString()),
            table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
        Assert.Equal(ExitCodes.BadInput, misuse.ExitCode);
        Assert.Contains("--timeline", misuse.Stderr);
        Assert.Equal(ExitCodes.BadInput, tooLong.ExitCode);
        Assert.Contains("clip_seconds", tooLong.Stderr);
    }

    [Fact]
    public async Task Bad_input_is_exit_code_2_with_a_message_naming_it()
    {
        var unknownKey = await CliProcess.RunAsync("train", "--set", "training.epochz=3");
        var missingData = await CliProcess.RunAsync("train", "--set", "data.path=/no/such/ravdess");
        var missingModel = await CliProcess.RunAsync("predict", "/no/such/model.zip", "x.wav");
        var notABundle = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        await File.WriteAllTextAsync(notABundle, "not a zip");
        var corrupt = await CliProcess.RunAsync("evaluate", notABundle, "--data", TestPaths.Ravdess);

        Assert.Equal(ExitCodes.BadInput, unknownKey.ExitCode);
        Assert.Contains("did you mean 'training.epochs'", unknownKey.Stderr);
        Assert.Equal(ExitCodes.BadInput, missingData.ExitCode);
        Assert.Contains("/no/such/ravdess", missingData.Stderr);
        Assert.Equal(ExitCodes.BadInput, missingModel.ExitCode);
        Assert.Contains("/no/such/model.zip", missingModel.Stderr);
        Assert.Equal(ExitCodes.BadInput, corrupt.ExitCode);
        Assert.Contains("not a model bundle", corrupt.Stderr);
    }
}
