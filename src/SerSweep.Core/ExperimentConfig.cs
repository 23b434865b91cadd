namespace SerSweep.Core;

/// <summary>
/// The base configuration of one training run, as written in the <c>data</c>, <c>features</c>,
/// <c>model</c> and <c>training</c> sections of sweep.yaml. A trial is this plus the sampled parameters
/// applied at their dotted paths (e.g. <c>training.learning_rate</c>). YAML keys are the snake_case form
/// of the property names.
/// </summary>
public sealed record ExperimentConfig
{
    public DataConfig Data { get; init; } = new();
    public FeatureConfig Features { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public TrainingConfig Training { get; init; } = new();
}

public sealed record DataConfig
{
    /// <summary>RAVDESS root holding Actor_XX folders.</summary>
    public string Path { get; init; } = "data/ravdess";
    /// <summary>Actor selection, e.g. "1-4" or "1,3,5-8".</summary>
    public string Actors { get; init; } = "1-4";
    /// <summary>Emotions to keep; empty = all eight.</summary>
    public IReadOnlyList<Emotion> Emotions { get; init; } = [];
    public SplitConfig Split { get; init; } = new();
}

public enum SplitPolicy
{
    /// <summary>Stratified random train/val/test by emotion.</summary>
    Stratified,
    /// <summary>Speaker independent: test (and validation) actors held out.</summary>
    Speaker,
    /// <summary>k-fold by actor: fold i tests on the i-th actor group.</summary>
    ActorKFold,
    /// <summary>k-fold stratified by emotion, actors mixed: fold i tests on the i-th share of every emotion.</summary>
    StratifiedKFold,
}

public sealed record SplitConfig
{
    public SplitPolicy Policy { get; init; } = SplitPolicy.Stratified;
    public double ValFraction { get; init; } = 0.1;
    public double TestFraction { get; init; } = 0.2;
    /// <summary>For <see cref="SplitPolicy.Speaker"/>: actors of the test split, e.g. "4".</summary>
    public string TestActors { get; init; } = "";
    /// <summary>For <see cref="SplitPolicy.Speaker"/>: actors of the validation split; empty = a stratified part of train.</summary>
    public string ValActors { get; init; } = "";
    public int Folds { get; init; } = 4;
    public int Fold { get; init; }
    /// <summary>Seed of the split; the same data + seed gives the same split everywhere.</summary>
    public int Seed { get; init; } = 1234;
}

public enum FeatureKind { LogMel, Mfcc }
public enum MelScale { Htk, Slaney }
/// <summary>
/// What becomes of the features before the network (docs/sweep-yaml.md). <c>Utterance</c>: each item to zero mean, unit
/// variance over all its cells, in the extractor (part of the feature cache key); the others in training and again at
/// prediction (the bundle's config says which): <c>Dataset</c> every feature row by the training split's statistics
/// (stored in the bundle); the CMVN modes every row by the statistics of a group of items (Training's <c>Data.Cmvn</c>):
/// <c>UtteranceCmvn</c> the item itself; <c>Speaker</c> the speaker's files (the actor in training, a session of one
/// speaker's files at prediction, a single file when there is none); <c>SpeakerUtterance</c> the speaker's files in
/// training, the item itself for held-out actors and at prediction.
/// </summary>
public enum Normalization { None, Utterance, Dataset, UtteranceCmvn, Speaker, SpeakerUtterance }
/// <summary>
/// The log applied to the mel energies before the DCT of an MFCC: <c>Natural</c> = DCT of log(mel + 1e-6), the
/// peers' features.py; <c>Db</c> = DCT of 10*log10(max(mel, 1e-10)) floored at max - 80 dB (torchaudio.transforms.MFCC).
/// </summary>
public enum MfccLog { Natural, Db }

public sealed record FeatureConfig
{
    public FeatureKind Kind { get; init; } = FeatureKind.LogMel;
    public int SampleRate { get; init; } = 16000;
    public int NFft { get; init; } = 512;
    public int WinLength { get; init; } = 400;
    public int HopLength { get; init; } = 160;
    public int NMels { get; init; } = 64;
    public int NMfcc { get; init; } = 40;
    public double FMin { get; init; }
    /// <summary>Upper mel edge in Hz; null = sample_rate / 2.</summary>
    public double? FMax { get; init; }
    public MelScale MelScale { get; init; } = MelScale.Htk;
    public MfccLog MfccLog { get; init; } = MfccLog.Natural;
    /// <summary>Fixed clip length: crop or zero-pad to this many seconds (after the offset).</summary>
    public double ClipSeconds { get; init; } = 3.0;
    public double OffsetSeconds { get; init; }
    public bool TrimSilence { get; init; }
    /// <summary>Frames quieter than (peak - trim_db) at the ends are trimmed when trim_silence is on.</summary>
    public double TrimDb { get; init; } = 40;
    public Normalization Normalize { get; init; } = Normalization.Dataset;
    public AugmentConfig Augment { get; init; } = new();
}

/// <summary>Training-split augmentation; all off by default; seeded by the run seed.</summary>
public sealed record AugmentConfig
{
    /// <summary>Additive white noise at this SNR in dB; null = off.</summary>
    public double? NoiseSnrDb { get; init; }
    /// <summary>Random circular time shift of up to this many seconds.</summary>
    public double TimeShiftSeconds { get; init; }
    /// <summary>Speed perturbation factors to draw from (e.g. [0.9, 1.0, 1.1]); empty = off.</summary>
    public IReadOnlyList<double> SpeedFactors { get; init; } = [];
    /// <summary>
    /// Vocal tract length perturbation: warp factors of the mel filterbank's frequency axis to draw from per clip
    /// (e.g. [0.9, 0.95, 1.0, 1.05, 1.1]); empty = off.
    /// </summary>
    public IReadOnlyList<double> VtlpFactors { get; init; } = [];
    public int FreqMasks { get; init; }
    public int FreqMaskWidth { get; init; } = 8;
    public int TimeMasks { get; init; }
    public int TimeMaskWidth { get; init; } = 20;
}

public enum Architecture { Cnn2d, Cnn1d }
public enum PoolKind { Max, Avg }

/// <summary>
/// How the last conv block's map becomes one vector: <c>Avg</c> = mean over frequency and time; <c>AvgMax</c> =
/// mean over frequency, then mean + max over time (PANNs, Kong et al. 2020), which keeps the peak of a short cue.
/// </summary>
public enum GlobalPool { Avg, AvgMax }

public sealed record ModelConfig
{
    public Architecture Architecture { get; init; } = Architecture.Cnn2d;
    /// <summary>Output channels of each conv block; the block count is the length.</summary>
    public IReadOnlyList<int> Channels { get; init; } = [32, 64, 128, 256];
    public int KernelSize { get; init; } = 3;
    public bool BatchNorm { get; init; } = true;
    public PoolKind Pool { get; init; } = PoolKind.Max;
    public GlobalPool GlobalPool { get; init; } = GlobalPool.Avg;
    public double Dropout { get; init; } = 0.3;
    /// <summary>Hidden width of the classifier head; 0 = a single linear layer.</summary>
    public int ClassifierWidth { get; init; }
}

public enum OptimizerKind { Adam, AdamW, RmsProp, Sgd }
public enum LrSchedule { None, Step, Cosine, Plateau }

public sealed record TrainingConfig
{
    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 32;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>SGD and RMSprop momentum.</summary>
    public double Momentum { get; init; }
    public bool Nesterov { get; init; }
    /// <summary>L1 penalty coefficient, added to the loss over the weights.</summary>
    public double L1 { get; init; }
    /// <summary>L2 penalty as the optimizer's weight decay.</summary>
    public double L2 { get; init; }
    public LrSchedule Schedule { get; init; } = LrSchedule.None;
    public int StepSize { get; init; } = 10;
    public double Gamma { get; init; } = 0.5;
    /// <summary>Reduce-on-plateau: epochs without improvement of <see cref="Metric"/> before the rate is cut by <see cref="Gamma"/>.</summary>
    public int PlateauPatience { get; init; } = 3;
    public double LabelSmoothing { get; init; }
    public bool ClassWeights { get; init; }
    /// <summary>Mixup: training batches blended with a shuffled copy, weight ~ Beta(alpha, alpha); 0 = off.</summary>
    public double MixupAlpha { get; init; }
    /// <summary>Stop after this many epochs without improvement of <see cref="Metric"/>; 0 = off.</summary>
    public int Patience { get; init; }
    /// <summary>Validation metric for early stopping and checkpoint selection (see <see cref="Metrics"/>).</summary>
    public string Metric { get; init; } = Metrics.ValAccuracy;
    /// <summary>Gradient-norm clipping; 0 = off.</summary>
    public double GradClip { get; init; }
    /// <summary>torch.set_num_threads for the run.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Seed of initialisation, data order, augmentation and dropout.</summary>
    public int Seed { get; init; } = 42;
}
