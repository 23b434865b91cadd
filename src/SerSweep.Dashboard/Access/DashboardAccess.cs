using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace SerSweep.Dashboard.Access;

/// <summary>
/// Who may change things. On a host that listens only on loopback everyone on the machine may; on any other
/// address, mutating actions, downloads and predictions need the configured token (as a bearer header, the
/// <c>X-SerSweep-Token</c> header, or the sign-in cookie set by the login page). No token configured on such a
/// host means nobody may: the dashboard fails closed.
/// </summary>
public sealed class DashboardAccess(IServer server, IOptions<DashboardOptions> options)
{
    public const string TokenHeader = "X-SerSweep-Token";
    public const string AuthenticationScheme = "SerSweepDashboard";

    /// <summary>True when the host listens on some non-loopback address (or on an address it cannot tell).</summary>
    public bool TokenRequired
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            return addresses is null || addresses.Count == 0 || !addresses.All(IsLoopback);
        }
    }

    public bool TokenConfigured => !string.IsNullOrEmpty(options.Value.Token);

    /// <summary>True when <paramref name="user"/> (signed in through the login page) may act.</summary>
    public bool MayAct(ClaimsPrincipal user) =>
        !TokenRequired || (TokenConfigured && user.Identity?.IsAuthenticated == true && user.Identity.AuthenticationType == AuthenticationScheme);

    /// <summary>True when a presented token equals the configured one (compared in constant time).</summary>
    public bool TokenMatches(string? presented)
    {
        var expected = options.Value.Token;
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented))
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>Whether one server address (a Kestrel URL such as <c>http://127.0.0.1:5080</c>) is loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        var start = address.IndexOf("://", StringComparison.Ordinal);
        var hostAndPort = start < 0 ? address : address[(start + 3)..];
        var slash = hostAndPort.IndexOf('/');
        if (slash >= 0)
            hostAndPort = hostAndPort[..slash];
        var colon = hostAndPort.LastIndexOf(':');
        var host = colon > hostAndPort.LastIndexOf(']') ? hostAndPort[..colon] : hostAndPort;
        host = host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
