using SerSweep.Audio.Dsp;
using SerSweep.Core;
using static SerSweep.Audio.Torch.Scalars;
using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Audio.Features;

/// <summary>
/// Log-mel / MFCC features of a batch of waveforms on TorchSharp, the same maths as the peers' torchaudio pipeline:
/// torch.stft (periodic Hann window of win_length centred in n_fft, center + reflect padding), power 2 (|z|^2), mel filterbank
/// matmul, log(x + 1e-6); MFCC = orthonormal DCT-II of that (or of dB mels, see <see cref="MfccLog"/>).
/// The window, filterbank and DCT are built once; one call handles the whole batch.
/// </summary>
public sealed class FeatureExtractor : IDisposable
{
    /// <summary>Added before the natural log so that silence stays finite (features.py: log(x + 1e-6)).</summary>
    public const double LogOffset = 1e-6;
    private const double DbAmin = 1e-10, DbTopDb = 80.0, NormalizeEpsilon = 1e-5;

    private readonly Tensor _window;      // [win_length]
    private readonly Tensor _melT;        // [n_mels, n_fft/2 + 1]
    private readonly Tensor? _dctT;       // [n_mfcc, n_mels]
    private readonly Dictionary<double, Tensor> _warpedMelT = [];  // VTLP: [n_mels, n_fft/2 + 1] per warp factor, built on first use
    // The constants of the maths as Scalars made once and disposed with the extractor (see Scalars for why).
    private readonly Scalar _logOffset = LogOffset.ToScalar(), _ten = 10.0.ToScalar(),
        _dbAmin = DbAmin.ToScalar(), _dbTopDb = DbTopDb.ToScalar(), _normalizeEpsilon = NormalizeEpsilon.ToScalar();

    public FeatureConfig Config { get; }
    /// <summary>Samples of one clip: clip_seconds x sample_rate.</summary>
    public int ClipSamples { get; }
    /// <summary>Frames kept per clip: clip_samples / hop_length (of the 1 + that centred frames, the last is dropped, as in features.py).</summary>
    public int FrameCount { get; }
    /// <summary>Feature rows: n_mels for log-mel, n_mfcc for MFCC.</summary>
    public int Height => Config.Kind == FeatureKind.Mfcc ? Config.NMfcc : Config.NMels;
    /// <summary>[channels, height, frames] of one item.</summary>
    public int[] ItemShape => [1, Height, FrameCount];
    public int ItemLength => Height * FrameCount;

    public FeatureExtractor(FeatureConfig config)
    {
        Validate(config);
        Config = config;
        ClipSamples = ClipSamplesOf(config);
        FrameCount = ClipSamples / config.HopLength;
        var nFreqs = config.NFft / 2 + 1;
        var fMax = config.FMax ?? config.SampleRate / 2.0;
        _window = hann_window(config.WinLength, periodic: true, dtype: float32);
        _melT = Transposed(MelFilterbank.Create(nFreqs, config.FMin, fMax, config.NMels, config.SampleRate, config.MelScale), nFreqs, config.NMels);
        if (config.Kind == FeatureKind.Mfcc)
            _dctT = Transposed(DctMatrix.Create(config.NMfcc, config.NMels), config.NMels, config.NMfcc);
    }

    /// <summary>A contiguous [cols, rows] copy of a row-major [rows, cols] matrix; the temporaries disposed here, not by the finalizer.</summary>
    private static Tensor Transposed(float[] matrix, int rows, int cols)
    {
        using var original = tensor(matrix, [rows, cols]);
        using var view = original.t();
        return view.contiguous();
    }

    public static int ClipSamplesOf(FeatureConfig config) => (int)Math.Round(config.ClipSeconds * config.SampleRate);

    /// <summary>Mel energies [B, n_mels, 1 + T / hop] of waveforms [B, T] (all centred frames).</summary>
    public Tensor MelPower(Tensor waveforms) => MelPower(waveforms, waveforms.shape[^1] / Config.HopLength + 1, _melT);

    /// <summary>log(mel + 1e-6), [B, n_mels, 1 + T / hop].</summary>
    public Tensor LogMel(Tensor waveforms)
    {
        using var scope = NewDisposeScope();
        return log(MelPower(waveforms).add_(_logOffset, One)).MoveToOuterDisposeScope();
    }

    /// <summary>MFCC [B, n_mfcc, 1 + T / hop] with the configured <see cref="MfccLog"/>.</summary>
    public Tensor Mfcc(Tensor waveforms)
    {
        using var scope = NewDisposeScope();
        return MfccOf(MelPower(waveforms)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Features of clips [B, clip_samples] as the cache and training use them: [B, 1, height, frames], per-utterance
    /// normalised when the config says so (dataset normalisation is training's, from its training split).
    /// <paramref name="warp"/> != 1: through the mel filterbank warped for vocal tract length perturbation (training's
    /// <c>vtlp_factors</c>).
    /// </summary>
    public Tensor Compute(Tensor clips, double warp = 1.0)
    {
        using var scope = NewDisposeScope();
        return FromMelPower(MelPower(clips, FrameCount, MelMatrix(warp))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The part of <see cref="Compute"/> after the filterbank: features [B, 1, height, frames] of the clips' mel energies
    /// [B, n_mels, frames] (<paramref name="mel"/> is overwritten), for callers that assemble the energies themselves.
    /// </summary>
    public Tensor FromMelPower(Tensor mel)
    {
        using var scope = NewDisposeScope();
        var features = Config.Kind == FeatureKind.Mfcc ? MfccOf(mel) : log(mel.add_(_logOffset, One));
        if (Config.Normalize == Normalization.Utterance)
        {
            var (std, mean) = std_mean(features, [1, 2], keepdim: true);
            features = features.sub_(mean).div_(std.add_(_normalizeEpsilon, One));
        }
        return features.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mel energies [n_mels, frames] of the uncentred frames of a 1-D <paramref name="signal"/>: frame i is the n_fft
    /// samples from i x hop_length, no padding. Frame i equals the centred frame of a clip whose centre lies n_fft / 2
    /// samples into it, when the clip holds all of those samples.
    /// </summary>
    public Tensor MelPowerUncentred(Tensor signal)
    {
        using var scope = NewDisposeScope();
        var spec = stft(signal, Config.NFft, Config.HopLength, Config.WinLength, _window,
            center: false, normalized: false, onesided: true, return_complex: true);
        var power = spec.real.square().add_(spec.imag.square(), One);
        return matmul(_melT, power).MoveToOuterDisposeScope();
    }

    private Tensor MelMatrix(double warp)
    {
        if (warp == 1.0) return _melT;
        if (!_warpedMelT.TryGetValue(warp, out var matrix))
        {
            var c = Config;
            var nFreqs = c.NFft / 2 + 1;
            // Built inside a caller's dispose scope but kept for the extractor's life: detached, disposed in Dispose.
            _warpedMelT[warp] = matrix = Transposed(
                MelFilterbank.Create(nFreqs, c.FMin, c.FMax ?? c.SampleRate / 2.0, c.NMels, c.SampleRate, c.MelScale, warp), nFreqs, c.NMels)
                .DetachFromDisposeScope();
        }
        return matrix;
    }

    private Tensor MelPower(Tensor waveforms, long frames, Tensor melT)
    {
        using var scope = NewDisposeScope();
        var spec = stft(waveforms, Config.NFft, Config.HopLength, Config.WinLength, _window,
            center: true, pad_mode: PaddingModes.Reflect, normalized: false, onesided: true, return_complex: true);
        var kept = spec.narrow(-1, 0, frames);
        // |z|^2 as re^2 + im^2 [B, freqs, frames]: torchaudio's abs().pow(2) to rounding, without complex abs's hypot
        // (0.07 instead of 0.38 ms for one 3-s clip).
        var power = kept.real.square().add_(kept.imag.square(), One);
        return matmul(melT, power).MoveToOuterDisposeScope();                    // [B, n_mels, frames]
    }

    private Tensor MfccOf(Tensor mel)
    {
        using var scope = NewDisposeScope();
        Tensor logMel;
        if (Config.MfccLog == MfccLog.Db)
        {
            // torchaudio.transforms.MFCC: AmplitudeToDB(power, top_db=80), the floor taken per item.
            logMel = log10(mel.clamp_min(_dbAmin)).mul_(_ten);
            var floor = logMel.amax([1, 2], keepdim: true).sub_(_dbTopDb);
            logMel = maximum(logMel, floor);
        }
        else
        {
            logMel = log(mel.add(_logOffset, One));
        }
        return matmul(_dctT!, logMel).MoveToOuterDisposeScope();
    }

    private static void Validate(FeatureConfig c)
    {
        void Require(bool ok, string field, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"features.{field} = {value}: {rule}");
        }
        Require(c.SampleRate is >= 1000 and <= 384000, "sample_rate", c.SampleRate, "must be 1000..384000");
        Require(c.NFft is >= 16 and <= 65536, "n_fft", c.NFft, "must be 16..65536");
        Require(c.WinLength >= 1 && c.WinLength <= c.NFft, "win_length", c.WinLength, $"must be 1..n_fft ({c.NFft})");
        Require(c.HopLength >= 1, "hop_length", c.HopLength, "must be >= 1");
        Require(c.NMels >= 1 && c.NMels <= c.NFft / 2 + 1, "n_mels", c.NMels, $"must be 1..n_fft/2+1 ({c.NFft / 2 + 1})");
        Require(c.Kind != FeatureKind.Mfcc || (c.NMfcc >= 1 && c.NMfcc <= c.NMels), "n_mfcc", c.NMfcc, $"must be 1..n_mels ({c.NMels})");
        var fMax = c.FMax ?? c.SampleRate / 2.0;
        Require(c.FMin >= 0 && c.FMin < fMax, "f_min", c.FMin, $"must be >= 0 and below f_max ({fMax})");
        Require(fMax <= c.SampleRate / 2.0, "f_max", fMax, $"must be <= sample_rate / 2 ({c.SampleRate / 2.0})");
        Require(c.ClipSeconds > 0 && c.ClipSeconds <= 60, "clip_seconds", c.ClipSeconds, "must be in (0, 60]");
        Require(c.OffsetSeconds >= 0, "offset_seconds", c.OffsetSeconds, "must be >= 0");
        Require(ClipSamplesOf(c) > c.NFft / 2, "clip_seconds", c.ClipSeconds, $"the clip must be longer than n_fft / 2 samples ({c.NFft / 2}) for reflect padding");
        Require(!c.TrimSilence || c.TrimDb > 0, "trim_db", c.TrimDb, "must be > 0");
    }

    public void Dispose()
    {
        _window.Dispose();
        _melT.Dispose();
        _dctT?.Dispose();
        foreach (var matrix in _warpedMelT.Values) matrix.Dispose();
        foreach (var scalar in new[] { _logOffset, _ten, _dbAmin, _dbTopDb, _normalizeEpsilon }) scalar.Dispose();
    }
}
