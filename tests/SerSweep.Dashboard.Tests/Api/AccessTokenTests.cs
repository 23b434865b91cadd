using System.Net;
using System.Net.Http.Headers;
using SerSweep.Dashboard.Access;
using SerSweep.Dashboard.Tests.Support;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary>Bound beyond loopback, downloads and actions need the token; reading does not.</summary>
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

    [Fact]
    public async Task Reading_needs_no_token()
    {
        using var client = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/sweeps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/sweeps/{seeded.SweepId}")).StatusCode);
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
    public async Task The_login_form_sets_a_cookie_that_opens_downloads()
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.Address };

        var wrong = await client.PostAsync("/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "nope", ["returnUrl"] = "/" }));
        Assert.Contains("failed=1", wrong.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(ModelUrl)).StatusCode);

        var right = await client.PostAsync("/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = Token, ["returnUrl"] = "https://evil.example/" }));
        Assert.Equal("/", right.Headers.Location!.ToString()); // no open redirect
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ModelUrl)).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_token_a_non_loopback_host_refuses_downloads()
    {
        await using var open = await DashboardServer.StartAsync(seeded.DatabasePath, bindAddress: "0.0.0.0", token: null);
        using var client = open.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "");
        var response = await client.GetAsync(ModelUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("no access token configured", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task On_loopback_downloads_need_no_token()
    {
        await using var local = await DashboardServer.StartAsync(seeded.DatabasePath);
        using var client = local.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ModelUrl)).StatusCode);
    }
}
