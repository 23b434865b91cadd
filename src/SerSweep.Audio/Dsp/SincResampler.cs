using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

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
    private readonly Vector<float>[][] _vectorKernel;

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
        _vectorKernel = _kernel.Select(row => row.Select(w => new Vector<float>(w)).ToArray()).ToArray();
    }

    public bool IsIdentity => FromRate == ToRate;

    public int OutputLength(int inputLength) => (int)(((long)_new * inputLength + _orig - 1) / _orig);

    /// <summary>
    /// Blocks (of <c>new</c> outputs) per pass of a whole-signal <see cref="Resample(ReadOnlySpan{float})"/>: each pass
    /// de-interleaves only its own input, a few MB, not a copy as large as the input (690 MB for an hour at 48 kHz).
    /// A multiple of 4 x the widest Vector&lt;float&gt;, so every block takes the same code path, and gets the same
    /// bits, as in one pass.
    /// </summary>
    private const int PassBlocks = 1 << 16;

    public float[] Resample(ReadOnlySpan<float> input)
    {
        var output = new float[OutputLength(input.Length)];
        var pass = PassBlocks * _new;
        for (var first = 0; first < output.Length; first += pass)
            Resample(input, first, output.AsSpan(first, Math.Min(pass, output.Length - first)));
        return output;
    }

    /// <summary>
    /// The input range that outputs <paramref name="firstOutput"/> .. + <paramref name="count"/> - 1 of an input of
    /// <paramref name="inputLength"/> samples read: [First, First + Length), clamped to the input. First is a whole
    /// number of kernel blocks, so <see cref="Resample(ReadOnlySpan{float}, int, Span{float})"/> of that range from
    /// output firstOutput - <c>OutputOffset</c> gives those outputs (for a signal read piece by piece).
    /// </summary>
    public (long First, int Length, long OutputOffset) Support(long firstOutput, int count, long inputLength)
    {
        var firstBlock = Math.Max(0, firstOutput / _new - (_width + _orig - 1) / _orig);
        var lastBlock = (firstOutput + count - 1) / _new;
        var first = firstBlock * _orig;
        var end = Math.Min(inputLength, lastBlock * _orig - _width + _taps);
        return (first, (int)Math.Max(0, end - first), firstBlock * _new);
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
        // Rented: a whole-signal resample makes one such array per pass, which as garbage would pile up in the large
        // object heap (3 MB a pass, 660 MB for an hour at 48 kHz before a collection took them).
        var streams = ArrayPool<float>.Shared.Rent(_orig * streamLength);
        try
        {
            streams.AsSpan(0, _orig * streamLength).Clear();
            for (var p = 0; p < _orig; p++)
            {
                // stream[j] = input[offset + j * orig] where that index exists, zero (the padding) elsewhere.
                var stream = streams.AsSpan(p * streamLength, streamLength);
                var offset = (long)firstBlock * _orig + p - _width;
                var jFirst = (int)Math.Clamp(offset >= 0 ? 0 : (-offset + _orig - 1) / _orig, 0, streamLength);
                var jEnd = (int)Math.Clamp((input.Length - offset + _orig - 1) / _orig, jFirst, streamLength);
                var source = (int)(offset + (long)jFirst * _orig);
                for (var j = jFirst; j < jEnd; j++, source += _orig) stream[j] = input[source];
            }
            // Tap m of a block reads stream (m % orig) at block index + m / orig.
            var tapOffsets = new int[_taps];
            for (var m = 0; m < _taps; m++) tapOffsets[m] = (m % _orig) * streamLength + m / _orig;
            Span<float> sums = stackalloc float[4 * Vector<float>.Count];
            for (var phase = 0; phase < _new; phase++)
            {
                var row = _kernel[phase];
                var weights = _vectorKernel[phase];
                for (var j = 0; j < blocks; j += Vector<float>.Count)
                {
                    if (j + 4 * Vector<float>.Count <= blocks)
                    {
                        // 4 x Vector.Count blocks at once, all taps accumulated in registers; one weight load per 4 FMAs.
                        ref var first = ref MemoryMarshal.GetArrayDataReference(streams);
                        Vector<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
                        for (var m = 0; m < _taps; m++)
                        {
                            var w = weights[m];
                            var at = (nuint)(tapOffsets[m] + j);
                            acc0 = Vector.FusedMultiplyAdd(w, Vector.LoadUnsafe(ref first, at), acc0);
                            acc1 = Vector.FusedMultiplyAdd(w, Vector.LoadUnsafe(ref first, at + (nuint)Vector<float>.Count), acc1);
                            acc2 = Vector.FusedMultiplyAdd(w, Vector.LoadUnsafe(ref first, at + (nuint)(2 * Vector<float>.Count)), acc2);
                            acc3 = Vector.FusedMultiplyAdd(w, Vector.LoadUnsafe(ref first, at + (nuint)(3 * Vector<float>.Count)), acc3);
                        }
                        acc0.CopyTo(sums);
                        acc1.CopyTo(sums[Vector<float>.Count..]);
                        acc2.CopyTo(sums[(2 * Vector<float>.Count)..]);
                        acc3.CopyTo(sums[(3 * Vector<float>.Count)..]);
                        Scatter(sums[..(4 * Vector<float>.Count)], firstBlock + j, phase, output, firstOutput, end);
                        j += 3 * Vector<float>.Count;
                        continue;
                    }
                    if (j + Vector<float>.Count <= blocks)
                    {
                        ref var first = ref MemoryMarshal.GetArrayDataReference(streams);
                        var acc = Vector<float>.Zero;
                        for (var m = 0; m < _taps; m++)
                            acc = Vector.FusedMultiplyAdd(weights[m], Vector.LoadUnsafe(ref first, (nuint)(tapOffsets[m] + j)), acc);
                        acc.CopyTo(sums);
                    }
                    else
                    {
                        for (var b = j; b < blocks; b++)
                        {
                            var sum = 0f;
                            for (var m = 0; m < _taps; m++) sum += row[m] * streams[tapOffsets[m] + b];
                            sums[b - j] = sum;
                        }
                    }
                    Scatter(sums[..Math.Min(Vector<float>.Count, blocks - j)], firstBlock + j, phase, output, firstOutput, end);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(streams);
        }
    }

    /// <summary>Block k's result is output k * new + phase, if that lies in the requested window.</summary>
    private void Scatter(ReadOnlySpan<float> values, int block, int phase, Span<float> output, int firstOutput, int end)
    {
        for (var b = 0; b < values.Length; b++)
        {
            var o = (block + b) * _new + phase;
            if (o >= firstOutput && o < end) output[o - firstOutput] = values[b];
        }
    }
}
