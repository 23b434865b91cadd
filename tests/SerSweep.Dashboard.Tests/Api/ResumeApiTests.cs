using System.Net;
using System.Text;
using System.Text.Json;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary><c>POST /api/sweeps/{id}/resume</c> on a coordinator host: a body raises the limits, even of a completed sweep; no body only un-pauses.</summary>
public sealed class ResumeApiTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_body_raises_the_limits_of_a_completed_sweep_and_a_bad_one_is_400_with_the_reason()
    {
        await using var host = await LiveCoordinator.StartAsync(LiveCoordinator.SweepYaml("api-resume", trials: 1, epochs: 1), TimeSpan.FromMilliseconds(20), slots: 1);
        var sweep = await host.WaitForAsync(async q => (await q.ListSweepsAsync()).FirstOrDefault(s => s.Status == SweepStatus.Completed), "the watched sweep to complete");
        using var client = new HttpClient { BaseAddress = host.Address };
        var url = $"/api/sweeps/{sweep.Id}/resume";

        foreach (var (body, reason) in new[]
                 {
                     ("""{"max_trials": 0}""", "max_trials must be at least 1, got 0"),
                     ("""{"max_trials": 1}""", "the sweep has started all its 1 trials: give a higher max_trials to resume it"),
                     ("""{"max_trial": 3}""", "unknown field 'max_trial': a resume takes max_trials and time_limit"),
                     ("""{"time_limit": 90}""", "time_limit: expected a duration such as 90m or 2h30m"),
                     ("[3]", "the body must be a JSON object"),
                 })
        {
            var refused = await client.PostAsync(url, Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains(reason, problem.GetProperty("detail").GetString());
        }
        // Without a body, as before: only a paused sweep is un-paused; this one stays completed.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(url, null)).StatusCode);
        Assert.Equal(SweepStatus.Completed, (await host.Queries.GetSweepAsync(sweep.Id))!.Status);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(url, Json("""{"max_trials": 3, "time_limit": "1h"}"""))).StatusCode);

        var done = await host.WaitForAsync(async q => await q.GetSweepAsync(sweep.Id) is { Status: SweepStatus.Completed } s && (await q.TrialsAsync(sweep.Id)).Count == 3 ? s : null,
            "the resumed sweep to complete 3 trials");
        Assert.Equal(3, done.MaxTrials);
        Assert.Contains("\"time_limit_seconds\":3600", done.ResumeJson);
    }
}
