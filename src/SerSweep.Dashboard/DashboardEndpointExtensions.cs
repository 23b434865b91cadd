using Microsoft.AspNetCore.Builder;
using SerSweep.Dashboard.Access;
using SerSweep.Dashboard.Api;
using SerSweep.Dashboard.Components;
using SerSweep.Dashboard.Hosting;

namespace SerSweep.Dashboard;

public static class DashboardEndpointExtensions
{
    /// <summary>
    /// Adds the dashboard's middleware and endpoints to the host: the token gate (off loopback), the browser files
    /// (embedded in this assembly), the interactive pages, the login endpoints and the REST API under <c>/api</c>.
    /// </summary>
    public static WebApplication MapSerSweepDashboard(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseTokenGate();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapDashboardAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapLoginEndpoints();
        app.MapSweepApi();
        app.MapPredictApi();
        return app;
    }
}
