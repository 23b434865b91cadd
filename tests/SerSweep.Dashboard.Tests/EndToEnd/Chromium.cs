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

    /// <summary>
    /// A full-page screenshot to .cache/test-artifacts/dashboard-NAME.png. With <paramref name="docs"/> it is the README's
    /// picture of that page instead (the visible part only, to keep it small): docs/images/NAME.png when
    /// SERSWEEP_DOC_SCREENSHOTS=1 (to refresh the committed ones), else beside the others as docs-NAME.png.
    /// </summary>
    public static Task ScreenshotAsync(IPage page, string name, bool docs = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(name, docs), FullPage = !docs });

    /// <summary>One element's screenshot, to the same places as <see cref="ScreenshotAsync(IPage, string, bool)"/>'s.</summary>
    public static Task ScreenshotAsync(ILocator element, string name, bool docs = false) =>
        element.ScreenshotAsync(new LocatorScreenshotOptions { Path = ScreenshotPath(name, docs) });

    private static string ScreenshotPath(string name, bool docs) =>
        !docs ? Path.Combine(ArtifactsDir, $"dashboard-{name}.png")
        : Environment.GetEnvironmentVariable("SERSWEEP_DOC_SCREENSHOTS") == "1" ? Path.Combine(TestPaths.RepoRoot, "docs", "images", $"{name}.png")
        : Path.Combine(ArtifactsDir, $"docs-{name}.png");
}
