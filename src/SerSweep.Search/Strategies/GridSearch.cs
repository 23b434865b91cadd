namespace SerSweep.Search.Strategies;

/// <summary>
/// Every combination, in nested-loop order: the first parameter of the file varies slowest. A conditional
/// parameter is enumerated after the parameters it depends on and only where its condition holds, so no
/// combination repeats. The grid size was checked against the limit when the file was read.
/// </summary>
public sealed class GridSearch : SearchStrategy
{
    private readonly List<Dictionary<string, double>> grid = [];

    public GridSearch(SweepDefinition sweep) : base(sweep)
    {
        Enumerate([.. Space.SamplingOrder], 0, new Dictionary<string, double>());
    }

    /// <summary>Size of the whole grid.</summary>
    public int GridSize => grid.Count;

    public override int Budget => Math.Min(grid.Count, Sweep.Search.MaxTrials ?? int.MaxValue);

    protected override Dictionary<string, double> Suggest(int index) => new(grid[index]);

    private void Enumerate(ParameterSpec[] order, int depth, Dictionary<string, double> assigned)
    {
        if (depth == order.Length)
        {
            grid.Add(new Dictionary<string, double>(assigned));
            return;
        }
        var p = order[depth];
        if (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(assigned)))
        {
            Enumerate(order, depth + 1, assigned);
            return;
        }
        for (long i = 0; i < p.GridCount!.Value; i++)
        {
            assigned[p.Path] = p.IsCategorical ? i : SearchSpace.Snap(p, Convert.ToDouble(p.GridValue(i), System.Globalization.CultureInfo.InvariantCulture));
            Enumerate(order, depth + 1, assigned);
        }
        assigned.Remove(p.Path);
    }
}
