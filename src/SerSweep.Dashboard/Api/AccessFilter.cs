using Microsoft.AspNetCore.Http;
using SerSweep.Dashboard.Access;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// Guards mutating actions, downloads and predictions: on a non-loopback host the request must carry the token
/// (<c>Authorization: Bearer</c> or <c>X-SerSweep-Token</c>) or the login cookie; otherwise 401.
/// </summary>
internal sealed class AccessFilter(DashboardAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (access.MayAct(http.User) || access.TokenMatches(PresentedToken(http.Request)))
            return await next(context);
        var reason = access.TokenConfigured
            ? "this dashboard listens beyond loopback: send the access token (Authorization: Bearer TOKEN or X-SerSweep-Token)"
            : "this dashboard listens beyond loopback and has no access token configured (Dashboard__Token): the action is disabled";
        return Results.Problem(reason, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string? PresentedToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        return request.Headers[DashboardAccess.TokenHeader].ToString() is { Length: > 0 } header ? header : null;
    }
}
