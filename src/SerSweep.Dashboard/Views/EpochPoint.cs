namespace SerSweep.Dashboard.Views;

/// <summary>The metrics a trial reported after one epoch (train/val loss and accuracy, ...).</summary>
public sealed record EpochPoint(int Epoch, IReadOnlyDictionary<string, double> Metrics);
