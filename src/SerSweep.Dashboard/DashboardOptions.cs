namespace SerSweep.Dashboard;

/// <summary>Dashboard settings, bound from the <c>Dashboard</c> configuration section (e.g. <c>Dashboard__Token</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The access token for mutating actions, downloads and predictions when the web host listens on an address
    /// other than loopback. Without it those actions are refused on such a host (fail closed).
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Largest WAV accepted by the predict endpoint and page.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How often open pages re-read the database for live updates.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
