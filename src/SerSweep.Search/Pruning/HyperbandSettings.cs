namespace SerSweep.Search.Pruning;

/// <summary>
/// Hyperband (Li et al. 2018) as Optuna's <c>HyperbandPruner</c> and Ray Tune's <c>HyperBandScheduler</c> run it
/// asynchronously: s_max + 1 brackets of ASHA, s_max = ⌊log_η(R / r)⌋ (r = min_epochs, R = max_epochs, η =
/// reduction_factor); bracket s stops trials first at epoch r·η^s, then r·η^(s+1), ... below R, keeping the best 1/η at
/// each rung among its own trials. Bracket 0 prunes hardest, bracket s_max least (its first rung may be R itself: it
/// never stops a trial). Trial i goes to bracket i mod (s_max + 1): round robin, so every bracket gets trials from the start.
/// </summary>
public sealed record HyperbandSettings
{
    public required string Metric { get; init; }
    public Direction Direction { get; init; } = Direction.Maximize;
    /// <summary>r: the first rung of bracket 0.</summary>
    public int MinEpochs { get; init; } = 1;
    /// <summary>R: the epochs of a trial that is never stopped.</summary>
    public int MaxEpochs { get; init; }
    /// <summary>η: each rung keeps the best 1/η and lies η times further than the one before.</summary>
    public int ReductionFactor { get; init; } = 3;

    /// <summary>s_max + 1: the largest s with r·η^s &lt;= R, plus one (integers only, so no rounding of a logarithm).</summary>
    public int BracketCount
    {
        get
        {
            var count = 1;
            for (long grace = (long)MinEpochs * ReductionFactor; grace <= MaxEpochs; grace *= ReductionFactor) count++;
            return count;
        }
    }

    /// <summary>The bracket of trial <paramref name="trialIndex"/>.</summary>
    public int BracketOf(int trialIndex) => trialIndex % BracketCount;

    /// <summary>Bracket <paramref name="s"/>: ASHA with grace period r·η^s, the same η and max_epochs R.</summary>
    public AshaSettings Bracket(int s)
    {
        long grace = MinEpochs;
        for (var i = 0; i < s; i++) grace *= ReductionFactor;
        return new AshaSettings { Metric = Metric, Direction = Direction, GracePeriod = (int)grace, ReductionFactor = ReductionFactor, MaxEpochs = MaxEpochs };
    }
}
