using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using SerSweep.Audio.Features;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Testing;
using SerSweep.Testing.Fuzz;
using SerSweep.Training;
using Xunit.Abstractions;

namespace SerSweep.Dashboard.Tests.Fuzz;

/// <summary>
/// Mutated real RAVDESS WAV files (bit flips, truncation, splices, extreme header integers, files past the upload
/// limit) through the three places users hand audio over: `sersweep features` (the feature pipeline), `sersweep
/// predict` (the predictor on a real trained bundle) and POST /api/models/{id}/predict (a real Kestrel host). A file
/// either decodes, giving finite features and a probability distribution, or is refused with the documented error:
/// <see cref="WavFormatException"/> in-process, 400 or 413 with a problem detail over HTTP. Never another exception,
/// a 5xx, a hang or unbounded memory. deploy/fuzz runs the campaign (SERSWEEP_FUZZ_WAV_FILES, SERSWEEP_FUZZ_WAV_UPLOADS).
/// </summary>
public sealed class WavFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] SeedPaths =
        [.. Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_01"), "*.wav").Order(StringComparer.Ordinal).Where((_, i) => i % 7 == 0).Take(8)];

    private static readonly byte[][] Seeds = [.. SeedPaths.Select(File.ReadAllBytes)];

    private const long MaxUploadBytes = 10 * 1024 * 1024;

    // Past the dashboard's 10 MiB upload limit; the CLI reads such files whole (as it must a long recording).
    private const int HugeBytes = (int)MaxUploadBytes + 64 * 1024;

    // Decoding a 10 MiB WAV to float samples, resampling and featurising allocates a few hundred MB at most.
    private const long MaxAllocatedBytes = 2L << 30;

    private string bundle = default!;
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;

    public async Task InitializeAsync()
    {
        Assert.True(SeedPaths.Length == 8, $"expected 8 seed WAVs under {TestPaths.Ravdess}/Actor_01");
        bundle = await RealModel.BundlePathAsync();
        seeded = await SeededSweep.CreateAsync(bundle);
        server = await DashboardServer.StartAsync(seeded.DatabasePath, configure: options => options.MaxUploadBytes = MaxUploadBytes);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static string Describe(int seed, Mutation[] mutations) =>
        $"seed {Path.GetFileName(SeedPaths[seed])}, {string.Join(", ", mutations.Select(m => m.ToString()))}";

    // `sersweep features` decodes a folder in batches: a case is a folder of this many mutated files.
    private const int FilesPerCase = 16;

    [Fact]
    public void Mutated_wavs_through_features_and_predict_decode_or_give_WavFormatException()
    {
        var run = new FuzzRun("wav-files", defaultCases: 160);
        var folder = TestPaths.NewTempDir("sersweep-fuzz-wavs");
        var paths = Enumerable.Range(0, FilesPerCase).Select(i => Path.Combine(folder, $"mutated-{i:00}.wav")).ToArray();
        var config = new FeatureConfig();
        using var predictor = Predictor.Load(bundle);

        Mutation.Cases(Seeds.Length).Array[FilesPerCase].Sample(files =>
        {
            for (var i = 0; i < FilesPerCase; i++) File.WriteAllBytes(paths[i], Mutation.ApplyAll(Seeds, files[i].Seed, files[i].Mutations, HugeBytes));
            string Describe() => string.Join("; ", files.Select((f, i) => $"{i}: {WavFuzzTests.Describe(f.Seed, f.Mutations)}"));

            // `sersweep features`: a file that does not decode is a problem of that file, reported, never thrown.
            var batch = run.Guard(() => FeaturePipeline.Compute(paths, config), MaxAllocatedBytes * 4, Describe);
            var itemLength = batch.ItemShape.Aggregate(1, (a, b) => a * b);
            var firstRefused = true;
            for (var i = 0; i < FilesPerCase; i++)
            {
                var decoded = batch.Outcomes[i].Error is null;
                Assert.True(!decoded || batch.Features.AsSpan(i * itemLength, itemLength).ToArray().All(float.IsFinite), $"features of decoded file {i} are not all finite: {Describe()}");
                // `sersweep predict` on every file that decodes and on the first that does not (predicting costs ~10x decoding).
                if (!decoded && !firstRefused)
                {
                    run.Record($"features: WavFormatException {batch.Outcomes[i].Error!.Error}");
                    continue;
                }
                firstRefused &= decoded;
                var file = i;
                var outcome = run.Guard(() =>
                {
                    try
                    {
                        return (Prediction: (Training.Prediction?)predictor.PredictFiles([paths[file]])[0], Error: (WavFormatException?)null);
                    }
                    catch (WavFormatException e)
                    {
                        return (Prediction: (Training.Prediction?)null, Error: (WavFormatException?)e);
                    }
                }, MaxAllocatedBytes, Describe);
                if (outcome.Prediction is { } prediction)
                    Assert.True(prediction.Probabilities.Values.All(double.IsFinite) && Math.Abs(prediction.Probabilities.Values.Sum() - 1) < 1e-4,
                        $"probabilities {string.Join(", ", prediction.Probabilities.Values)} of file {i} are not a distribution: {Describe()}");
                Assert.True(decoded == (outcome.Error is null), $"features and predict disagree on whether file {i} decodes: {Describe()}");
                run.Record(decoded ? "features: decoded; predict: a distribution" : $"features and predict: WavFormatException {outcome.Error!.Error}");
            }
        }, iter: Math.Max(1, run.Iterations / FilesPerCase), threads: 1);

        output.WriteLine(run.Report());
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Mutated_wavs_posted_to_the_predict_api_answer_200_or_a_400_or_413_problem()
    {
        var run = new FuzzRun("wav-uploads", defaultCases: 60);
        using var client = server.Client();
        var url = $"/api/models/{seeded.BestTrialId}/predict";

        Mutation.Cases(Seeds.Length).Sample(c =>
        {
            var bytes = Mutation.ApplyAll(Seeds, c.Seed, c.Mutations, HugeBytes);
            string Describe() => WavFuzzTests.Describe(c.Seed, c.Mutations);
            var (status, body) = run.Guard(() =>
            {
                using var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                using var response = client.PostAsync(url, content).GetAwaiter().GetResult();
                return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            }, MaxAllocatedBytes, Describe);

            var json = JsonDocument.Parse(body).RootElement;
            switch (status)
            {
                case HttpStatusCode.OK:
                    var probabilities = json.GetProperty("probabilities").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
                    Assert.True(probabilities.Length == 8 && Math.Abs(probabilities.Sum() - 1) < 1e-4, $"200 without a distribution ({body}): {Describe()}");
                    run.Record("200 predicted");
                    break;
                case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge:
                    var detail = json.GetProperty("detail").GetString();
                    Assert.False(string.IsNullOrWhiteSpace(detail), $"{(int)status} without a detail: {Describe()}");
                    Assert.True(status == HttpStatusCode.BadRequest || bytes.Length > MaxUploadBytes, $"413 for {bytes.Length} bytes: {Describe()}");
                    run.Record($"{(int)status} {FuzzRun.Shape(detail!)}");
                    break;
                default:
                    Assert.Fail($"{(int)status} {body}: {Describe()}");
                    break;
            }
        }, iter: run.Iterations, threads: 1);

        output.WriteLine(run.Report());
    }
}
