namespace SerSweep.Search.Strategies;

/// <summary>Independent draws from each parameter's prior; trial i depends only on (sweep seed, i).</summary>
public sealed class RandomSearch(SweepDefinition sweep) : SearchStrategy(sweep)
{
    public override int Budget => Sweep.Search.MaxTrials ?? 0;

    protected override Dictionary<string, double> Suggest(int index) => Space.SamplePrior(TrialSeeds.Sampler(Sweep.Seed, index));
}
