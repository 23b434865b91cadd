using System.Net;
using System.Text.Json;
using CsCheck;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Testing;
using SerSweep.Testing.Fuzz;
using Xunit.Abstractions;

namespace SerSweep.Dashboard.Tests.Fuzz;

/// <summary>
/// Mutated sweep files POSTed to /api/sweeps of a live coordinator (the real host, synthetic trainer): each answer is
/// 201 with the new sweep (stopped at once, so the cluster stays idle) or 400 with every error's line, column,
/// message and hint. Never a 5xx, a hang or unbounded memory. deploy/fuzz runs the campaign (SERSWEEP_FUZZ_SWEEP_UPLOADS).
/// </summary>
public sealed class SweepUploadFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] SeedPaths =
    [
        Path.Combine(TestPaths.RepoRoot, "sweep.yaml"),
        Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Dashboard.Tests", "EndToEnd", "e2e-sweep.yaml"),
        .. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Search.Tests", "Broken"), "*.yaml").Order(StringComparer.Ordinal),
    ];

    private static readonly byte[][] Seeds = [.. SeedPaths.Select(File.ReadAllBytes)];

    private LiveCoordinator coordinator = default!;

    public async Task InitializeAsync() =>
        coordinator = await LiveCoordinator.StartAsync(LiveCoordinator.SweepYaml("fuzz-seed", trials: 1, epochs: 1), TimeSpan.FromMilliseconds(50), slots: 1);

    public async Task DisposeAsync() => await coordinator.DisposeAsync();

    [Fact]
    public async Task A_sweep_holding_a_nul_is_a_400_at_its_position_not_a_500_from_a_coordinator_that_cannot_read_it_back()
    {
        // The campaign's find: the text validated, was stored, and SQLite gave it back cut at the NUL.
        using var client = new HttpClient { BaseAddress = coordinator.Address };
        using var response = await client.PostAsync("/api/sweeps", new ByteArrayContent("name: t\0st\nsearch:\n  method: random\n  max_trials: 4\n"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal((1, 8, "character U+0000 is not allowed in a YAML file"),
            (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32(), error.GetProperty("message").GetString()));
        Assert.DoesNotContain(await coordinator.Queries.ListSweepsAsync(), sweep => sweep.Name.StartsWith('t'));
    }

    [Fact]
    public void Mutated_sweep_files_posted_to_the_api_answer_201_or_400_with_positioned_errors()
    {
        var run = new FuzzRun("sweep-uploads", defaultCases: 80);
        using var client = new HttpClient { BaseAddress = coordinator.Address };

        Mutation.Cases(Seeds.Length).Sample(c =>
        {
            var bytes = Mutation.ApplyAll(Seeds, c.Seed, c.Mutations, (1 << 20) + 1024);
            string Describe() => $"seed {Path.GetFileName(SeedPaths[c.Seed])}, {string.Join(", ", c.Mutations.Select(m => m.ToString()))}";
            var (status, body) = run.Guard(() =>
            {
                using var content = new ByteArrayContent(bytes);
                using var response = client.PostAsync("/api/sweeps", content).GetAwaiter().GetResult();
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    // A mutation that is still a valid sweep starts one: stop it so that trials do not pile up.
                    var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
                    using var stopped = client.PostAsync($"/api/sweeps/{id}/stop", null).GetAwaiter().GetResult();
                    Assert.True(stopped.StatusCode == HttpStatusCode.NoContent, $"stopping sweep {id}: {(int)stopped.StatusCode}");
                }
                return (response.StatusCode, text);
            }, 1L << 30, Describe);

            switch (status)
            {
                case HttpStatusCode.Created:
                    run.Record("201 sweep started");
                    break;
                case HttpStatusCode.BadRequest:
                    var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().ToArray();
                    Assert.True(errors.Length > 0, $"400 without errors: {Describe()}");
                    foreach (var e in errors)
                    {
                        Assert.True(e.GetProperty("line").GetInt32() >= 1 && e.GetProperty("column").GetInt32() >= 1, $"400 error without a position ({e}): {Describe()}");
                        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("hint").GetString()), $"400 error without a hint ({e}): {Describe()}");
                    }
                    run.Record(errors.Select(e => $"400 {FuzzRun.Shape(e.GetProperty("message").GetString()!)}").Distinct());
                    break;
                default:
                    Assert.Fail($"{(int)status} {body}: {Describe()}");
                    break;
            }
        }, iter: run.Iterations, threads: 1);

        output.WriteLine(run.Report());
    }
}
