using SerSweep.Search;
using SerSweep.Search.Resuming;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Control;

/// <summary>
/// How the dashboard starts and steers sweeps, kept apart from the cluster as the Orleans samples' ShoppingCart keeps
/// its grains behind <c>ShoppingCartService</c>: the host registers an implementation on coordinator hosts only, so
/// without one the dashboard is read-only. A call the cluster refuses or cannot answer throws <see cref="SweepControlException"/>.
/// </summary>
public interface ISweepControl
{
    /// <summary>Validates the YAML; when valid, stores it as a new sweep and starts it, else returns the errors.</summary>
    Task<(Sweep? Sweep, IReadOnlyList<SweepError> Errors)> LaunchAsync(string yamlText);

    Task PauseAsync(long sweepId);

    /// <summary>Un-pauses a paused sweep; any other sweep is left as it is.</summary>
    Task ResumeAsync(long sweepId);

    /// <summary>
    /// Lets a sweep go on with raised limits, even a completed or stopped one: its search continues where it stopped.
    /// Returns why it cannot (a limit below what the sweep already used, or nothing more to do), or null.
    /// </summary>
    Task<string?> ResumeAsync(long sweepId, RaisedLimits limits);

    Task StopAsync(long sweepId);
}

/// <summary>The cluster refused or could not carry out a sweep action; the message says why.</summary>
public sealed class SweepControlException(string message, Exception inner) : Exception(message, inner);
