using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>One training run: the configuration, the features, and where to checkpoint and put the bundle.</summary>
public sealed record TrainingRequest
{
    public required ExperimentConfig Config { get; init; }
    public required FeatureSet Features { get; init; }
    /// <summary>Folder for the epoch checkpoint (rewritten when <see cref="Checkpoints"/> says); null = no checkpoints.</summary>
    public string? CheckpointDir { get; init; }
    /// <summary>
    /// When the checkpoint is written (default: after every epoch). A sweep writes only the epochs it replicates
    /// (<c>search.checkpoint_every</c>): each write serialises the model, the optimizer and the best weights.
    /// </summary>
    public CheckpointCadence Checkpoints { get; init; } = CheckpointCadence.EveryEpoch;
    /// <summary>Resume from the checkpoint in this folder; the run continues with the epoch after it.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>Where to write the model bundle (.zip) at the end; null = none.</summary>
    public string? BundlePath { get; init; }
    /// <summary>The cross-validated metrics of the configuration (JSON), written into the bundle as they are; null = none.</summary>
    public string? CrossValidationJson { get; init; }
    /// <summary>Called after every epoch; may stop the run.</summary>
    public Func<EpochReport, CancellationToken, Task<EpochDecision>>? OnEpoch { get; init; }
    /// <summary>Called on the training thread after every optimizer step with (epoch, batches done in it, batches per epoch): progress within long epochs.</summary>
    public Action<int, int, int>? OnBatch { get; init; }
}
