using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SerSweep.Dashboard.Tests.Support;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// A link clicked in the moment the page's circuit is starting, in a real headless chromium over `sersweep dashboard --db`
/// on a seeded database. The moment is made to last: the circuit's WebSocket is routed through the test, which holds the
/// server's answers from StartCircuit until after the click. Before the fix, Blazor's enhanced navigation took the click,
/// the circuit then attached the old page, and the browser showed the sweeps list under the sweep's URL, never interactive
/// (seen in CI as a sweep page whose charts never drew).
/// </summary>
public sealed partial class EarlyClickInBrowserTests : BrowserOverDatabase
{
    private SeededSweep seeded = default!;

    protected override async Task<string> PrepareDatabaseAsync()
    {
        seeded = await SeededSweep.CreateAsync();
        return seeded.DatabasePath;
    }

    [Fact]
    public async Task A_link_clicked_while_the_circuit_starts_opens_its_page_and_the_page_comes_alive()
    {
        var (context, page, errors) = await OpenPageAsync();
        await using var closing = context;
        using var hold = new CircuitHold();
        await page.RouteWebSocketAsync(BlazorHub(), hold.Route);

        await page.GotoAsync("/");
        await hold.CircuitStarting.WaitAsync(TimeSpan.FromSeconds(60));
        await page.Locator($"table.sweeps tr[data-sweep='{seeded.SweepId}'] a").First.ClickAsync();
        hold.Release();

        var stored = (await Server.Queries.GetSweepAsync(seeded.SweepId))!;
        await page.WaitForURLAsync($"**/sweeps/{seeded.SweepId}");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(stored.Name);
        // Interactive: Plotly draws only on a live circuit, and the leaderboard lists every stored trial.
        await page.Locator(".figure .js-plotly-plot .main-svg").First.WaitForAsync();
        await Assertions.Expect(page.Locator(".leaderboard tbody td.index a")).ToHaveCountAsync(SeededSweep.TrialCount);
        Assert.True(hold.Connections >= 1, "the circuit's WebSocket never went through the route: the test held nothing");
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [GeneratedRegex(@"/_blazor\?id=")]
    private static partial Regex BlazorHub();

    /// <summary>
    /// Routes the circuit's WebSockets through the test: the first one's server-to-page frames wait, from the page's
    /// StartCircuit on, until <see cref="Release"/>; later connections pass untouched.
    /// </summary>
    private sealed class CircuitHold : IDisposable
    {
        private readonly TaskCompletionSource starting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Action> held = [];
        private bool released;
        private int connections;

        public Task CircuitStarting => starting.Task;
        public int Connections => Volatile.Read(ref connections);

        public void Route(IWebSocketRoute toPage)
        {
            var first = Interlocked.Increment(ref connections) == 1;
            var toServer = toPage.ConnectToServer();
            toPage.OnMessage(frame =>
            {
                if (first && frame.Binary is { } bytes && Encoding.ASCII.GetString(bytes).Contains("StartCircuit", StringComparison.Ordinal))
                    starting.TrySetResult();
                Forward(frame, toServer);
            });
            toServer.OnMessage(frame =>
            {
                lock (held)
                {
                    if (first && starting.Task.IsCompleted && !released)
                    {
                        held.Add(() => Forward(frame, toPage));
                        return;
                    }
                }
                Forward(frame, toPage);
            });
        }

        public void Release()
        {
            lock (held)
            {
                released = true;
                foreach (var send in held) send();
                held.Clear();
            }
        }

        private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
        {
            if (frame.Binary is { } bytes) to.Send(bytes);
            else to.Send(frame.Text ?? "");
        }

        public void Dispose() => Release();
    }
}
