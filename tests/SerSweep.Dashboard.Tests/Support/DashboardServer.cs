using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SerSweep.Storage;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// A real Kestrel web host serving the dashboard over a SQLite file, composed the way the SerSweep host composes
/// it (AddSerSweepStorage + AddSerSweepDashboard + MapSerSweepDashboard), on a free port.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private DashboardServer(WebApplication app, Uri address) => (this.app, Address) = (app, address);

    public Uri Address { get; }

    public IServiceProvider Services => app.Services;

    /// <param name="bindAddress">The address to listen on (port 0 = any free port); 0.0.0.0 makes the token necessary.</param>
    public static async Task<DashboardServer> StartAsync(string databasePath, string bindAddress = "127.0.0.1", string? token = null,
        Action<DashboardOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://{bindAddress}:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSerSweepStorage(databasePath, writer: false);
        builder.Services.AddSerSweepDashboard(options =>
        {
            options.Token = token;
            options.RefreshInterval = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(options);
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok")); // as SerSweepHost maps it
        app.MapSerSweepDashboard();
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        // A server bound to 0.0.0.0 is reached through loopback; the access rule still sees the wildcard bind.
        var address = new UriBuilder(bound) { Host = "127.0.0.1" }.Uri;
        return new DashboardServer(app, address);
    }

    public HttpClient Client() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
