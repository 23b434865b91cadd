namespace SerSweep.Search.Pruning;

/// <summary>
/// Decides after each epoch whether a trial goes on, as Optuna's <c>BasePruner</c>: <see cref="AshaPruner"/>, or
/// <see cref="NopPruner"/> for a sweep without <c>asha</c>. Its state is saved with the epoch that changed it.
/// </summary>
public interface IPruner
{
    /// <summary>The metric it judges, or null when it judges nothing.</summary>
    string? Metric { get; }

    /// <summary>True when trials are compared after <paramref name="epoch"/> (counted from 1).</summary>
    bool IsRung(int epoch);

    /// <summary>Call after every epoch of a trial; <paramref name="epoch"/> counts from 1.</summary>
    AshaDecision Report(int trialIndex, int epoch, double value);

    string SaveState();

    /// <summary>The sweep's pruner: ASHA when it has <c>asha</c> settings (continuing from <paramref name="savedState"/>), else the no-op pruner.</summary>
    static IPruner For(AshaSettings? asha, string? savedState) =>
        asha is null ? NopPruner.Instance : savedState is null ? new AshaPruner(asha) : AshaPruner.Restore(asha, savedState);
}

/// <summary>Never stops a trial (Optuna's <c>NopPruner</c>): the pruner of a sweep without <c>asha</c>.</summary>
public sealed class NopPruner : IPruner
{
    public static NopPruner Instance { get; } = new();

    private NopPruner() { }

    public string? Metric => null;

    public bool IsRung(int epoch) => false;

    public AshaDecision Report(int trialIndex, int epoch, double value) => AshaDecision.Continue("");

    public string SaveState() => "";
}
