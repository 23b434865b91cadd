using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Dashboard.Access;
using SerSweep.Dashboard.Data;
using SerSweep.Dashboard.Prediction;

namespace SerSweep.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dashboard (it reads the database the host registered with <c>AddSerSweepStorage</c>): interactive
    /// server components, the access rules and its settings (bound from the
    /// <c>Dashboard</c> configuration section, then <paramref name="configure"/>). Pair with
    /// <see cref="DashboardEndpointExtensions.MapSerSweepDashboard"/>.
    /// </summary>
    public static IServiceCollection AddSerSweepDashboard(this IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        var options = services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        if (configure is not null)
            options.Configure(configure);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddAuthentication(DashboardAccess.AuthenticationScheme)
            .AddCookie(DashboardAccess.AuthenticationScheme, cookie =>
            {
                cookie.Cookie.Name = "sersweep-dashboard";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
                cookie.LoginPath = "/login";
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddSingleton<DashboardAccess>();
        services.AddHostedService<SignInUrl>();
        services.AddSingleton<TrialRows>();
        services.AddSingleton<ModelPredictions>();
        return services;
    }
}
