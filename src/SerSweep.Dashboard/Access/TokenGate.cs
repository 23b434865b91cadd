using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SerSweep.Dashboard.Access;

/// <summary>
/// Off loopback, lets a request through only with the token (bearer or <c>X-SerSweep-Token</c> header, or the
/// sign-in cookie); <c>/login?token=TOKEN</c> (the URL the coordinator logs) signs the browser in. The sign-in page,
/// its form post, the browser assets it needs and <see cref="DashboardOptions.OpenPaths"/> are open. Anything else
/// is 401 for <c>/api</c> and a redirect to the sign-in page for the pages (and the interactive circuit).
/// </summary>
internal static class TokenGate
{
    private static readonly string[] SignInPaths = ["/login", "/auth/login", "/_framework/blazor.web.js", "/dashboard.css", "/_content/"];

    public static IApplicationBuilder UseTokenGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var access = context.RequestServices.GetRequiredService<DashboardAccess>();
        if (!access.TokenRequired || access.MayAct(context.User) || access.TokenMatches(PresentedToken(context.Request)))
        {
            await next(context);
            return;
        }
        var path = context.Request.Path;
        if (path == "/login" && access.TokenMatches(context.Request.Query["token"]))
        {
            await SignInAsync(context);
            context.Response.Redirect(LocalPath(context.Request.Query["returnUrl"]));
            return;
        }
        var open = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.OpenPaths;
        if (open.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase))
            || SignInPaths.Any(p => p.EndsWith('/') ? path.StartsWithSegments(p.TrimEnd('/')) : path.Equals(p, StringComparison.Ordinal)))
        {
            await next(context);
            return;
        }
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor"))
        {
            await Results.Problem("this dashboard listens beyond loopback: send the access token (Authorization: Bearer TOKEN or " +
                $"{DashboardAccess.TokenHeader}), or sign in at /login; the coordinator's log shows the sign-in URL",
                statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }
        context.Response.Redirect($"/login?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
    });

    public static Task SignInAsync(HttpContext context) =>
        context.SignInAsync(DashboardAccess.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "token")], DashboardAccess.AuthenticationScheme)));

    /// <summary>Only a local path may be a return address (no open redirect).</summary>
    public static string LocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    private static string? PresentedToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        return request.Headers[DashboardAccess.TokenHeader].ToString() is { Length: > 0 } header ? header : null;
    }
}
