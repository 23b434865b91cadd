using SerSweep.Core;

namespace SerSweep.Search.Strategies;

/// <summary>
/// What became of a trial, told to the strategy so model-based search can learn from it: <see cref="TrialState.Completed"/>
/// (its value is final), <see cref="TrialState.Pruned"/> at <see cref="Epochs"/> (its value is the last one reported)
/// or <see cref="TrialState.Failed"/> (ignored by model-based strategies).
/// </summary>
public sealed record FinishedTrial(int Index, TrialState State, double? Value, int Epochs = 0);
