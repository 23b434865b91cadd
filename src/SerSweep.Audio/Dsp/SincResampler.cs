using System.Numerics;

namespace SerSweep.Audio.Dsp;

/// <summary>
/// Band-limited polyphase resampling, the same kernel as torchaudio.functional.resample with its defaults
/// (sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99): rates reduced by their gcd (48k -> 16k = 3:1), one
/// Hann-windowed sinc per output phase, input zero-padded by <c>width</c> left and <c>width + orig</c> right,
/// output length ceil(new * n / orig). Immutable and thread-safe: one instance serves all decode threads.
/// </summary>
public sealed class SincResampler
{
    private readonly int _orig, _new, _width, _taps;
    // [phase][tap], tap m applies to padded input sample k * orig + m for output k * new + phase.
    private readonly float[][] _kernel;
    private const int TileBlocks = 2048;

    public int FromRate { get; }
    public int ToRate { get; }

    public SincResampler(int fromRate, int toRate, int lowpassFilterWidth = 6, double rolloff = 0.99)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        (FromRate, ToRate) = (fromRate, toRate);
        var gcd = (int)BigInteger.GreatestCommonDivisor(fromRate, toRate);
        (_orig, _new) = (fromRate / gcd, toRate / gcd);
        var baseFreq = Math.Min(_orig, _new) * rolloff;
        _width = (int)Math.Ceiling(lowpassFilterWidth * _orig / baseFreq);
        _taps = 2 * _width + _orig;
        _kernel = new float[_new][];
        for (var phase = 0; phase < _new; phase++)
        {
            var row = _kernel[phase] = new float[_taps];
            for (var m = 0; m < _taps; m++)
            {
                var t = (-(double)phase / _new + (double)(m - _width) / _orig) * baseFreq;
                t = Math.Clamp(t, -lowpassFilterWidth, lowpassFilterWidth);
                var window = Math.Pow(Math.Cos(t * Math.PI / lowpassFilterWidth / 2), 2);
                var x = t * Math.PI;
                var sinc = x == 0 ? 1.0 : Math.Sin(x) / x;
                row[m] = (float)(sinc * window * baseFreq / _orig);
            }
        }
    }

    public bool IsIdentity => FromRate == ToRate;

    public int OutputLength(int inputLength) => (int)(((long)_new * inputLength + _orig - 1) / _orig);

    public float[] Resample(ReadOnlySpan<float> input)
    {
        var output = new float[OutputLength(input.Length)];
        Resample(input, 0, output);
        return output;
    }

    /// <summary>
    /// Writes outputs <paramref name="firstOutput"/> .. firstOutput + output.Length - 1 of the resampled signal
    /// (positions past its end are zero), so a clip is computed without resampling the rest of the file.
    /// </summary>
    public void Resample(ReadOnlySpan<float> input, int firstOutput, Span<float> output)
    {
        output.Clear();
        if (IsIdentity)
        {
            if (firstOutput < input.Length)
                input[firstOutput..Math.Min(input.Length, firstOutput + output.Length)].CopyTo(output);
            return;
        }
        var total = OutputLength(input.Length);
        var end = Math.Min(total, firstOutput + output.Length);
        if (end <= firstOutput) return;

        // Blocks k cover outputs k * new .. k * new + new - 1; block k reads padded input [k * orig, k * orig + taps).
        var firstBlock = firstOutput / _new;
        var blocks = (end - 1) / _new - firstBlock + 1;
        // De-interleave the padded input into orig streams, stream p holding padded[(firstBlock + j) * orig + p],
        // so that every tap is a contiguous, vectorisable multiply-add across blocks.
        var q = (_taps + _orig - 1) / _orig;
        var streamLength = blocks + q;
        var streams = new float[_orig * streamLength];
        for (var p = 0; p < _orig; p++)
        {
            var stream = streams.AsSpan(p * streamLength, streamLength);
            for (var j = 0; j < streamLength; j++)
            {
                var source = (long)(firstBlock + j) * _orig + p - _width;
                if ((ulong)source < (ulong)input.Length) stream[j] = input[(int)source];
            }
        }
        var acc = new float[blocks];
        for (var phase = 0; phase < _new; phase++)
        {
            Array.Clear(acc);
            var row = _kernel[phase];
            // Tiles small enough that the accumulator stays in L1 across all taps.
            for (var tile = 0; tile < blocks; tile += TileBlocks)
            {
                var count = Math.Min(TileBlocks, blocks - tile);
                for (var m = 0; m < _taps; m++)
                    MultiplyAdd(streams.AsSpan((m % _orig) * streamLength + m / _orig + tile, count), row[m], acc.AsSpan(tile, count));
            }
            for (var j = 0; j < blocks; j++)
            {
                var o = (firstBlock + j) * _new + phase;
                if (o >= firstOutput && o < end) output[o - firstOutput] = acc[j];
            }
        }
    }

    private static void MultiplyAdd(ReadOnlySpan<float> x, float weight, Span<float> acc)
    {
        var w = new Vector<float>(weight);
        var i = 0;
        for (; i + Vector<float>.Count <= acc.Length; i += Vector<float>.Count)
            (new Vector<float>(acc[i..]) + new Vector<float>(x[i..]) * w).CopyTo(acc[i..]);
        for (; i < acc.Length; i++) acc[i] += x[i] * weight;
    }
}
