using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SerSweep.Dashboard.Access;

/// <summary>
/// Once the web host listens beyond loopback, logs the URL that signs a browser in (as Jupyter does), e.g.
/// <c>http://localhost:5080/login?token=...</c>; a wildcard bind (0.0.0.0, [::], +, *) is shown as localhost.
/// </summary>
internal sealed class SignInUrl(DashboardAccess access, IServer server, IHostApplicationLifetime lifetime, ILogger<SignInUrl> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            if (!access.TokenRequired)
                return;
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
                logger.LogInformation("Dashboard: sign in at {Url} (token {Origin})", For(address, access.Token), access.TokenOrigin);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string For(string address, string token)
    {
        var host = DashboardAccess.Host(address);
        var shown = host is "0.0.0.0" or "::" or "+" or "*" ? "localhost" : host.Contains(':') ? $"[{host}]" : host;
        var scheme = address[..address.IndexOf("://", StringComparison.Ordinal)];
        var port = address.TrimEnd('/').Split(':')[^1];
        return $"{scheme}://{shown}:{port}/login?token={Uri.EscapeDataString(token)}";
    }
}
