using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Dashboard.Access;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary>Bound beyond loopback, every page and API needs the token, reads included; probes and the sign-in page do not.</summary>
public sealed class AccessTokenTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;

    public async Task InitializeAsync()
    {
        seeded = await SeededSweep.CreateAsync();
        server = await DashboardServer.StartAsync(seeded.DatabasePath, bindAddress: "0.0.0.0", token: Token);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private string ModelUrl => $"/api/sweeps/{seeded.SweepId}/best-model";

    private static HttpClient NoRedirects(DashboardServer on, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = on.Address };

    [Fact]
    public async Task Reads_without_the_token_are_401_for_the_api_and_a_redirect_to_sign_in_for_pages()
    {
        using var client = NoRedirects(server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/sweeps")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/sweeps/{seeded.SweepId}/trials")).StatusCode);
        var page = await client.GetAsync($"/sweeps/{seeded.SweepId}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"/login?returnUrl={Uri.EscapeDataString($"/sweeps/{seeded.SweepId}")}", page.Headers.Location!.ToString());
        // The interactive circuit would render any page: it needs the token too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null)).StatusCode);
    }

    [Fact]
    public async Task Reads_with_the_token_succeed()
    {
        using var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sweeps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/sweeps/{seeded.SweepId}")).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_its_assets_and_the_health_probe_need_no_token()
    {
        using var client = NoRedirects(server);
        var login = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("name=\"token\"", await login.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_framework/blazor.web.js")).StatusCode);
        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Downloads_and_actions_without_the_token_are_401()
    {
        using var client = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(ModelUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/api/sweeps/{seeded.SweepId}/stop", null)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(ModelUrl)).StatusCode);
    }

    [Fact]
    public async Task The_token_as_bearer_or_header_opens_downloads()
    {
        using var bearer = server.Client();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(ModelUrl)).StatusCode);

        using var header = server.Client();
        header.DefaultRequestHeaders.Add(DashboardAccess.TokenHeader, Token);
        Assert.Equal(HttpStatusCode.OK, (await header.GetAsync(ModelUrl)).StatusCode);
    }

    [Fact]
    public async Task The_login_form_sets_a_cookie_that_opens_reads_and_downloads()
    {
        using var client = NoRedirects(server);

        var wrong = await client.PostAsync("/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "nope", ["returnUrl"] = "/" }));
        Assert.Contains("failed=1", wrong.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(ModelUrl)).StatusCode);

        var right = await client.PostAsync("/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = Token, ["returnUrl"] = "https://evil.example/" }));
        Assert.Equal("/", right.Headers.Location!.ToString()); // no open redirect
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ModelUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sweeps")).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_url_with_the_token_sets_the_cookie_and_returns_to_the_page()
    {
        using var client = NoRedirects(server);

        var wrong = await client.GetAsync("/login?token=nope");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode); // the sign-in page, no cookie
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/sweeps")).StatusCode);

        var right = await client.GetAsync($"/login?token={Token}&returnUrl={Uri.EscapeDataString($"/sweeps/{seeded.SweepId}")}");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal($"/sweeps/{seeded.SweepId}", right.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/sweeps/{seeded.SweepId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sweeps")).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_token_a_non_loopback_host_generates_one_keeps_it_in_its_file_and_keeps_it_across_a_restart()
    {
        var file = Path.Combine(TestPaths.NewTempDir("sersweep-token"), "state", "dashboard-token");
        string generated;
        await using (var first = await DashboardServer.StartAsync(seeded.DatabasePath, bindAddress: "0.0.0.0", token: null, configure: o => o.TokenFile = file))
        {
            generated = (await File.ReadAllTextAsync(file)).Trim();
            Assert.Matches("^[0-9a-f]{48}$", generated);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            await AssertTokenGuardsAsync(first, generated);
        }

        await using var restarted = await DashboardServer.StartAsync(seeded.DatabasePath, bindAddress: "0.0.0.0", token: null, configure: o => o.TokenFile = file);
        Assert.Equal(generated, (await File.ReadAllTextAsync(file)).Trim());
        await AssertTokenGuardsAsync(restarted, generated);
    }

    [Fact]
    public async Task Without_a_configured_token_or_file_a_non_loopback_host_still_requires_a_generated_token()
    {
        await using var open = await DashboardServer.StartAsync(seeded.DatabasePath, bindAddress: "0.0.0.0", token: null);
        var generated = open.Services.GetRequiredService<DashboardAccess>().Token;
        Assert.Matches("^[0-9a-f]{48}$", generated);
        await AssertTokenGuardsAsync(open, generated);
        using var empty = open.Client();
        empty.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "");
        Assert.Equal(HttpStatusCode.Unauthorized, (await empty.GetAsync(ModelUrl)).StatusCode);
    }

    [Fact]
    public async Task On_loopback_reads_and_downloads_need_no_token()
    {
        await using var local = await DashboardServer.StartAsync(seeded.DatabasePath);
        using var client = local.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sweeps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ModelUrl)).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080", "http://localhost:5080/login?token=t0k")]
    [InlineData("http://[::]:5080", "http://localhost:5080/login?token=t0k")]
    [InlineData("http://+:8080", "http://localhost:8080/login?token=t0k")]
    [InlineData("http://10.213.7.10:5080", "http://10.213.7.10:5080/login?token=t0k")]
    [InlineData("http://[fd00::5]:5080/", "http://[fd00::5]:5080/login?token=t0k")]
    public void The_logged_sign_in_url_names_a_reachable_host_and_carries_the_token(string bound, string url) =>
        Assert.Equal(url, SignInUrl.For(bound, "t0k"));

    private async Task AssertTokenGuardsAsync(DashboardServer on, string token)
    {
        using var without = on.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await without.GetAsync("/api/sweeps")).StatusCode);
        using var with = on.Client();
        with.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await with.GetAsync("/api/sweeps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await with.GetAsync(ModelUrl)).StatusCode);
    }
}
