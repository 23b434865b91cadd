using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SerSweep.Dashboard.Access;

/// <summary>The login form posts the token here; a match sets the dashboard's sign-in cookie.</summary>
internal static class LoginEndpoints
{
    public static void MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/auth/login", async (HttpContext context, DashboardAccess access) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var returnUrl = TokenGate.LocalPath(form["returnUrl"]);
            if (!access.TokenMatches(form["token"]))
                return Results.LocalRedirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
            await TokenGate.SignInAsync(context);
            return Results.LocalRedirect(returnUrl);
        }).DisableAntiforgery();

        endpoints.MapPost("/auth/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(DashboardAccess.AuthenticationScheme);
            return Results.LocalRedirect("/");
        }).DisableAntiforgery();
    }
}
