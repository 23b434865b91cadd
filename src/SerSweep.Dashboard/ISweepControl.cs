namespace SerSweep.Dashboard;

/// <summary>
/// Starts and steers sweeps. The host that runs the coordinator registers an implementation (over the sweep
/// coordinator grains); without one the dashboard is read-only and says so.
/// </summary>
public interface ISweepControl
{
    /// <summary>Stores and starts a sweep from validated sweep.yaml text; returns the new sweep's id.</summary>
    Task<long> StartAsync(string yamlText, CancellationToken cancel = default);
    Task PauseAsync(long sweepId, CancellationToken cancel = default);
    Task ResumeAsync(long sweepId, CancellationToken cancel = default);
    Task StopAsync(long sweepId, CancellationToken cancel = default);
}
