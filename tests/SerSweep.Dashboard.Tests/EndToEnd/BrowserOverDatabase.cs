using Microsoft.Playwright;
using SerSweep.Dashboard.Tests.Support;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// What the browser tests of a finished sweep share: the database a sweep left (<see cref="PrepareDatabaseAsync"/>), served by
/// `sersweep dashboard --db` (<see cref="Server"/>), and chromium; <see cref="OpenPageAsync"/> opens a page on it.
/// </summary>
public abstract class BrowserOverDatabase : IAsyncLifetime
{
    private IPlaywright playwright = default!;

    protected DashboardProcess Server { get; private set; } = default!;
    protected IBrowser Browser { get; private set; } = default!;

    /// <summary>Runs (or finds) the sweep and returns its database's path.</summary>
    protected abstract Task<string> PrepareDatabaseAsync();

    public async Task InitializeAsync()
    {
        Server = await DashboardProcess.StartAsync(await PrepareDatabaseAsync());
        (playwright, Browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A page 1400 px wide that accepts downloads; every console error and HTTP error answer lands in the returned list.</summary>
    protected async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Address.ToString(), AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        // Generous on a shared 2-core machine: the first page load JIT-compiles the host and compresses Plotly's script.
        page.SetDefaultNavigationTimeout(120_000);
        page.SetDefaultTimeout(90_000);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.Response += (_, response) => { if (response.Status >= 400) errors.Add($"{response.Status} {response.Url}"); };
        return (context, page, errors);
    }
}
