using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using SerSweep.Audio.Wav;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>`sersweep serve` as a child process on a bundle trained on real RAVDESS files, driven over loopback HTTP.</summary>
public sealed class ServeCommandTests(ServedModel model) : IClassFixture<ServedModel>
{
    private static string[] RealWavs(int count) =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_05"), "*.wav").Order(StringComparer.Ordinal).Take(count)];

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Concurrent_requests_answer_as_predict_json_does_and_share_forward_passes()
    {
        var files = RealWavs(16);
        var predicted = await CliProcess.RunAsync(["predict", model.BundlePath, .. files, "--json"]);
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);
        var expected = JsonDocument.Parse(predicted.Stdout).RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        await using var serve = await ServeProcess.StartAsync(model.BundlePath, "--max-batch", "16", "--max-wait-ms", "50");

        var answers = await Task.WhenAll(files.Select(async f => await JsonOf(await serve.PredictAsync(await File.ReadAllBytesAsync(f)))));

        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(expected[i].GetProperty("emotion").GetString(), answers[i].GetProperty("emotion").GetString());
            var probabilities = answers[i].GetProperty("probabilities");
            foreach (var p in expected[i].GetProperty("probabilities").EnumerateObject())
                Assert.True(Math.Abs(p.Value.GetDouble() - probabilities.GetProperty(p.Name).GetDouble()) <= 1e-5,
                    $"{files[i]}: {p.Name} {probabilities.GetProperty(p.Name).GetDouble()} served, {p.Value.GetDouble()} by predict");
        }
        var health = await serve.HealthAsync();
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model.BundlePath))), health.GetProperty("sha256").GetString());
        Assert.Equal(0, health.GetProperty("queue").GetInt32());
        Assert.Equal(16, health.GetProperty("requests").GetInt64());
        var batches = health.GetProperty("batches").GetInt64();
        Assert.True(batches is >= 1 and < 16, $"16 concurrent requests ran in {batches} forward passes: no batching");
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_admitted_requests_still_complete()
    {
        // One request may wait; it waits up to 10 s for company, so the rest of the burst finds the queue full.
        await using var serve = await ServeProcess.StartAsync(model.BundlePath, "--queue", "1", "--max-wait-ms", "10000");
        var wav = await File.ReadAllBytesAsync(RealWavs(1)[0]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => serve.PredictAsync(wav)));

        var statuses = responses.Select(r => r.StatusCode).ToArray();
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            Assert.Equal("1", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains("queue is full", await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Too_large_bodies_too_long_recordings_and_corrupt_audio_are_refused_with_the_reason()
    {
        await using var serve = await ServeProcess.StartAsync(model.BundlePath, "--max-body-bytes", "600000", "--max-seconds", "2");
        var wav = await File.ReadAllBytesAsync(RealWavs(1)[0]);
        var seconds = WavReader.Decode(wav, "x").Seconds;
        Assert.True(wav.Length < 600_000 && seconds > 2, $"the fixture WAV: {wav.Length} bytes, {seconds} s");

        var tooLarge = await serve.PredictAsync(new byte[700_000], expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("600000 bytes", await tooLarge.Content.ReadAsStringAsync());

        var tooLong = await serve.PredictAsync(wav);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.Contains("--timeline", await tooLong.Content.ReadAsStringAsync());

        // A real WAV cut inside its data chunk's header: the decoder's own message comes back with 400.
        var corrupt = wav[..40];
        var reason = Assert.Throws<WavFormatException>(() => WavReader.Decode(corrupt, "the uploaded audio")).Message;
        var refused = await serve.PredictAsync(corrupt);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(reason, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());

        var empty = await serve.PredictAsync([]);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task A_bundle_that_fails_its_checks_is_bad_input_and_nothing_is_served()
    {
        var corrupt = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        var bytes = await File.ReadAllBytesAsync(model.BundlePath);
        await File.WriteAllBytesAsync(corrupt, bytes[..(bytes.Length / 2)]);

        var run = await CliProcess.RunAsync("serve", corrupt, "--urls", $"http://127.0.0.1:{Ports.Free()}");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("not a model bundle", run.Stderr);
    }
}
