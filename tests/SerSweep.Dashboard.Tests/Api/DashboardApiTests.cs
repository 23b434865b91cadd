using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Storage;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary>The REST API against a real Kestrel host and a real SQLite file written through Storage.</summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;
    private HttpClient client = default!;

    public async Task InitializeAsync()
    {
        seeded = await SeededSweep.CreateAsync();
        server = await DashboardServer.StartAsync(seeded.DatabasePath);
        client = server.Client();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Lists_sweeps_with_progress_and_the_best_trial()
    {
        var sweeps = await client.GetFromJsonAsync<JsonElement>("/api/sweeps");

        var sweep = Assert.Single(sweeps.EnumerateArray());
        Assert.Equal(seeded.SweepId, sweep.GetProperty("id").GetInt64());
        Assert.Equal("ravdess-cnn", sweep.GetProperty("name").GetString());
        Assert.Equal("running", sweep.GetProperty("status").GetString());
        Assert.Equal(6, sweep.GetProperty("completed").GetInt32());
        Assert.Equal(1, sweep.GetProperty("pruned").GetInt32());
        Assert.Equal(1, sweep.GetProperty("failed").GetInt32());
        Assert.Equal(seeded.BestTrialId, sweep.GetProperty("best_trial_id").GetInt64());
        Assert.Equal(0.71, sweep.GetProperty("best_objective").GetDouble(), 9);
    }

    [Fact]
    public async Task Pages_sorts_and_filters_the_trials_in_sql()
    {
        var page = await client.GetFromJsonAsync<JsonElement>(
            $"/api/sweeps/{seeded.SweepId}/trials?sort=param:training.learning_rate&desc=true&status=completed&range=training.learning_rate::0.0033&page_size=3");

        Assert.Equal(5, page.GetProperty("total").GetInt32()); // completed with lr <= 0.0033: trials 0, 2, 3, 4, 5
        var indices = page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()).ToArray();
        Assert.Equal([5, 4, 3], indices);
    }

    [Fact]
    public async Task Returns_one_trial_with_epochs_confusion_and_attempts()
    {
        var trial = await client.GetFromJsonAsync<JsonElement>($"/api/trials/{seeded.BestTrialId}");

        Assert.Equal(6, trial.GetProperty("index").GetInt32());
        Assert.Equal(6, trial.GetProperty("epochs").GetArrayLength());
        Assert.Equal(2, trial.GetProperty("attempt_history").GetArrayLength());
        Assert.Equal("preempted", trial.GetProperty("attempt_history")[0].GetProperty("failure_class").GetString());
        Assert.Equal(8, trial.GetProperty("confusion").GetProperty("labels").GetArrayLength());
        Assert.Equal(0.0064, trial.GetProperty("parameters").GetProperty("training.learning_rate").GetDouble(), 9);
        Assert.Equal(seeded.BestBundleSha256, trial.GetProperty("bundle").GetProperty("sha256").GetString());
    }

    [Theory]
    [InlineData("/api/sweeps/999")]
    [InlineData("/api/sweeps/999/trials")]
    [InlineData("/api/sweeps/999/best-model")]
    [InlineData("/api/sweeps/999/front")]
    [InlineData("/api/trials/999")]
    [InlineData("/api/trials/999/model")]
    [InlineData("/api/trials/..%2F..%2Fetc%2Fpasswd/model")]
    [InlineData("/api/trials/1%2F..%2F2/model")]
    [InlineData("/api/sweeps/abc")]
    public async Task Unknown_or_malformed_ids_are_404(string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_single_objective_sweep_has_no_front_and_says_where_its_best_is()
    {
        var response = await client.GetAsync($"/api/sweeps/{seeded.SweepId}/front");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"has one objective: its best is one trial (/api/sweeps/{seeded.SweepId}/best-model)", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_leaderboard_query_is_400_and_says_why()
    {
        var response = await client.GetAsync($"/api/sweeps/{seeded.SweepId}/trials?status=exploded");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("status=", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streams_the_best_model_with_its_sha256()
    {
        var (response, bytes) = await ZipDownload.GetAsync(client, $"/api/sweeps/{seeded.SweepId}/best-model", "ravdess-cnn-trial6.zip");
        using var _ = response;
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(seeded.BestBundleSha256, sha);
        Assert.Equal(sha, response.Headers.GetValues("X-Content-SHA256").Single());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:", response.Headers.GetValues("Repr-Digest").Single());
    }

    [Fact]
    public async Task A_stored_bundle_that_no_longer_matches_its_sha256_is_refused_not_served()
    {
        await using (var db = new SerSweepDbContext(SqliteDatabase.Options(seeded.DatabasePath)))
        {
            var bundle = await db.Artifacts.AsNoTracking().SingleAsync(a => a.TrialId == seeded.BestTrialId);
            var bytes = await File.ReadAllBytesAsync(bundle.Path);
            bytes[^1] ^= 0xFF;
            await File.WriteAllBytesAsync(bundle.Path, bytes);
        }

        using var response = await client.GetAsync($"/api/sweeps/{seeded.SweepId}/best-model");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("does not match its SHA-256", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pruned_trial_has_no_model()
    {
        var response = await client.GetAsync($"/api/trials/{seeded.TrialIds[1]}/model");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("has no model bundle", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Starting_a_sweep_without_a_coordinator_says_the_host_is_read_only()
    {
        var response = await client.PostAsync("/api/sweeps", new StringContent("name: x\n"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }
}
