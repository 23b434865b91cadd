namespace SerSweep.Dashboard;

/// <summary>Dashboard settings, bound from the <c>Dashboard</c> configuration section (e.g. <c>Dashboard__Token</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The access token every page and API needs when the web host listens on an address other than loopback.
    /// Without it such a host generates one (see <see cref="TokenFile"/>) and logs a sign-in URL carrying it.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Where a generated token is kept so that a restart keeps it (the coordinator: <c>dashboard-token</c> beside its
    /// database); null = a new token each start.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>Paths served without the token on any address (probes, scrapers).</summary>
    public string[] OpenPaths { get; set; } = ["/healthz", "/metrics"];

    /// <summary>Largest WAV accepted by the predict endpoint and page.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How often open pages re-read the database for live updates.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
