namespace SerSweep.Search.Pruning;

/// <summary>The pruner a sweep file asks for: Hyperband, ASHA or none, fresh or continuing from its saved state.</summary>
public static class Pruners
{
    public static IPruner For(SweepDefinition sweep, string? savedState) => sweep.Hyperband is { } hyperband
        ? savedState is null ? new HyperbandPruner(hyperband) : HyperbandPruner.Restore(hyperband, savedState)
        : IPruner.For(sweep.Asha, savedState);
}
