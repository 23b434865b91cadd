using SerSweep.Core;

namespace SerSweep.Audio.Dsp;

/// <summary>
/// Triangular mel filters as torchaudio.functional.melscale_fbanks builds them (norm None): n_mels + 2 points
/// equally spaced on the HTK or Slaney mel scale between f_min and f_max, each filter the min of its rising and
/// falling slope over the linear STFT bin frequencies 0 .. sample_rate / 2.
/// </summary>
public static class MelFilterbank
{
    /// <summary>
    /// Row-major [nFreqs, nMels], ready for power[.., freq] x fb. <paramref name="warp"/> != 1: vocal tract length
    /// perturbation, each STFT bin weighed as if it were at <see cref="VtlpWarp"/> of its frequency.
    /// </summary>
    public static float[] Create(int nFreqs, double fMin, double fMax, int nMels, int sampleRate, MelScale scale, double warp = 1.0)
    {
        var mMin = HzToMel(fMin, scale);
        var mMax = HzToMel(fMax, scale);
        var fPts = new double[nMels + 2];
        for (var i = 0; i < fPts.Length; i++)
            fPts[i] = MelToHz(mMin + (mMax - mMin) * i / (nMels + 1), scale);
        var fb = new float[nFreqs * nMels];
        for (var f = 0; f < nFreqs; f++)
        {
            var freq = VtlpWarp((double)(sampleRate / 2) * f / (nFreqs - 1), warp, sampleRate / 2);
            for (var m = 0; m < nMels; m++)
            {
                var down = (freq - fPts[m]) / (fPts[m + 1] - fPts[m]);
                var up = (fPts[m + 2] - freq) / (fPts[m + 2] - fPts[m + 1]);
                fb[f * nMels + m] = (float)Math.Max(0, Math.Min(down, up));
            }
        }
        return fb;
    }

    /// <summary>The bin frequency VTLP's piecewise-linear warp (Jaitly and Hinton 2013) places above this frequency.</summary>
    public const double VtlpBoundaryHz = 4800;

    /// <summary>
    /// VTLP's frequency warp (Jaitly and Hinton 2013): f x <paramref name="warp"/> up to a boundary (4800 Hz x
    /// min(warp, 1) / warp, at most 0.9 x Nyquist), then the straight line to the Nyquist frequency, which stays put.
    /// </summary>
    public static double VtlpWarp(double hz, double warp, double nyquist)
    {
        if (warp == 1.0) return hz;
        var high = Math.Min(VtlpBoundaryHz, 0.9 * nyquist) * Math.Min(warp, 1.0);
        var boundary = high / warp;
        return hz <= boundary ? hz * warp : nyquist - (nyquist - high) / (nyquist - boundary) * (nyquist - hz);
    }

    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk) return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        var logStep = Math.Log(6.4) / 27.0;
        return hz >= minLogHz ? minLogMel + Math.Log(hz / minLogHz) / logStep : hz / fSp;
    }

    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk) return 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        var logStep = Math.Log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
    }
}
