using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>
/// One epoch for <see cref="StoreWriter.RecordEpochsAsync"/>: its row, the trial's objective so far (null keeps the stored
/// one) and the stored checkpoint of this epoch (null when it has none).
/// </summary>
public sealed record EpochRecord(EpochMetric Metric, double? ObjectiveSoFar, string? CheckpointPath);
