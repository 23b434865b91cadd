using SerSweep.Core;

namespace SerSweep.Search.Strategies;

/// <summary>
/// What became of a trial, told to the strategy so model-based search can learn from it: <see cref="TrialState.Completed"/>
/// (its value is final), <see cref="TrialState.Pruned"/> at <see cref="Epochs"/> (its value is the last one reported)
/// or <see cref="TrialState.Failed"/> (ignored by model-based strategies). <see cref="Value"/> is the objective's value (of a
/// multi-objective sweep, the first objective's); <see cref="Values"/> every objective's, in the order of
/// <c>search.objectives</c>: required of a completed trial of a multi-objective sweep, else optional.
/// </summary>
public sealed record FinishedTrial(int Index, TrialState State, double? Value, int Epochs = 0, IReadOnlyList<double>? Values = null)
{
    /// <summary>A trial of a multi-objective sweep: <see cref="Value"/> is the first of <paramref name="values"/>.</summary>
    public static FinishedTrial WithValues(int index, TrialState state, IReadOnlyList<double> values, int epochs = 0) =>
        new(index, state, values.Count > 0 ? values[0] : null, epochs, values);
}
