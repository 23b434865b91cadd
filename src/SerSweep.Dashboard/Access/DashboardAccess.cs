using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace SerSweep.Dashboard.Access;

/// <summary>
/// Who may see and do what. On a host that listens only on loopback everyone on the machine may do everything; on
/// any other address every page and API (reads included; <see cref="DashboardOptions.OpenPaths"/> aside) needs the
/// access token, as a bearer header, the <c>X-SerSweep-Token</c> header, or the sign-in cookie the login page sets.
/// The token is the configured one, or else one generated on first use and kept in <see cref="DashboardOptions.TokenFile"/>.
/// </summary>
public sealed class DashboardAccess(IServer server, IOptions<DashboardOptions> options)
{
    public const string TokenHeader = "X-SerSweep-Token";
    public const string AuthenticationScheme = "SerSweepDashboard";

    private readonly Lazy<GeneratedToken.Source> token = new(() => GeneratedToken.Resolve(options.Value.Token, options.Value.TokenFile));

    /// <summary>True when the host listens on some non-loopback address (or on an address it cannot tell).</summary>
    public bool TokenRequired
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            return addresses is null || addresses.Count == 0 || !addresses.All(IsLoopback);
        }
    }

    /// <summary>The token this host accepts: configured, kept from an earlier start, or generated now.</summary>
    public string Token => token.Value.Token;

    /// <summary>Where the token came from, for the sign-in log line.</summary>
    public string TokenOrigin => token.Value.Origin;

    /// <summary>True when <paramref name="user"/> (signed in through the login page) may see and act.</summary>
    public bool MayAct(ClaimsPrincipal user) =>
        !TokenRequired || (user.Identity?.IsAuthenticated == true && user.Identity.AuthenticationType == AuthenticationScheme);

    /// <summary>True when a presented token equals this host's (compared in constant time).</summary>
    public bool TokenMatches(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Token));

    /// <summary>Whether one server address (a Kestrel URL such as <c>http://127.0.0.1:5080</c>) is loopback only.</summary>
    public static bool IsLoopback(string address) => Host(address) is var host
        && (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip)));

    /// <summary>The host part of a Kestrel URL, without brackets.</summary>
    public static string Host(string address)
    {
        var start = address.IndexOf("://", StringComparison.Ordinal);
        var hostAndPort = start < 0 ? address : address[(start + 3)..];
        var slash = hostAndPort.IndexOf('/');
        if (slash >= 0)
            hostAndPort = hostAndPort[..slash];
        var colon = hostAndPort.LastIndexOf(':');
        var host = colon > hostAndPort.LastIndexOf(']') ? hostAndPort[..colon] : hostAndPort;
        return host.Trim('[', ']');
    }
}
