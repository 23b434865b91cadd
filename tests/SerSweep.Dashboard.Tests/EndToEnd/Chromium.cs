using Microsoft.Playwright;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// Debian's chromium (installed by deploy/install-deps) driven headless by Playwright's bundled driver: no
/// browser download. A missing /usr/bin/chromium fails the test, it does not skip it.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static string ArtifactsDir { get; } = Directory.CreateDirectory(Path.Combine(TestPaths.RepoRoot, ".cache", "test-artifacts")).FullName;

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new FileNotFoundException($"{ExecutablePath} is missing: run deploy/install-deps (apt package chromium)", ExecutablePath);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDir, $"dashboard-{name}.png"), FullPage = true });
}
