using System.Buffers;
using System.Runtime.InteropServices;
using SerSweep.Audio.Torch;
using static TorchSharp.torch;

namespace SerSweep.Audio.Features;

/// <summary>
/// Features of many overlapping clips of one long signal: clip k holds samples first + k x step .. + clip_samples
/// (zeros outside the signal), and its features equal <see cref="FeatureExtractor.Compute"/> of that clip to float
/// rounding, without an STFT per clip. When step is a multiple of hop_length all clips' frames lie on one grid, so
/// every frame that sees only the clip's own samples comes from one table of the signal's mel energies on that grid,
/// computed once in chunks; the few frames at each end of a clip, where the centred STFT reflects the clip's edge,
/// are computed per clip from a short piece of it. A 3-s window every 0.5 s thus costs about one STFT of the signal
/// instead of six.
/// </summary>
public sealed class WindowFeatures
{
    /// <summary>Table frames computed per STFT call: bounds the complex spectrogram held at once (a few MB).</summary>
    private const int ChunkFrames = 4096;

    private readonly FeatureExtractor _extractor;
    private readonly int _first, _step, _hop, _pad, _head, _tail, _headSamples;
    private readonly long _signalLength;
    private readonly int _nMels, _tableFrames;
    private readonly float[] _table;      // [n_mels, table frames]: frame f centred at first + f x hop

    /// <summary>
    /// Frames per clip at its start (Head) and from Tail on whose n_fft samples cross the clip's edges (the frames
    /// between them are the table's), and the head piece: the clip's samples up to the end of the last head frame,
    /// longer than n_fft / 2 as the reflect padding needs.
    /// </summary>
    private static (int Head, int Tail, int HeadSamples) EdgeFrames(FeatureExtractor extractor)
    {
        var (hop, pad, nFft) = (extractor.Config.HopLength, extractor.Config.NFft / 2, extractor.Config.NFft);
        var head = (pad + hop - 1) / hop;
        var tail = head;
        while (tail < extractor.FrameCount && (long)tail * hop - pad + nFft <= extractor.ClipSamples) tail++;
        return (head, tail, Math.Max((head - 1) * hop - pad + nFft, pad + 1));
    }

    /// <summary>Whether clips <paramref name="step"/> samples apart share a frame grid and have frames between their edges.</summary>
    public static bool Applies(FeatureExtractor extractor, int step)
    {
        var (head, tail, headSamples) = EdgeFrames(extractor);
        return step > 0 && step % extractor.Config.HopLength == 0 && head < tail && headSamples <= extractor.ClipSamples;
    }

    /// <summary>The table of <paramref name="signal"/>'s frames for <paramref name="count"/> clips from <paramref name="first"/> (may be negative), <paramref name="step"/> apart.</summary>
    public WindowFeatures(FeatureExtractor extractor, float[] signal, int first, int step, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!Applies(extractor, step))
            throw new ArgumentException($"clips {step} samples apart do not share the frame grid of hop_length {extractor.Config.HopLength}");
        _extractor = extractor;
        (_first, _step, _hop, _pad) = (first, step, extractor.Config.HopLength, extractor.Config.NFft / 2);
        (_head, _tail, _headSamples) = EdgeFrames(extractor);
        _signalLength = signal.Length;
        _nMels = extractor.Config.NMels;
        _tableFrames = (int)((long)(count - 1) * step / _hop + _tail);
        _table = new float[(long)_nMels * _tableFrames];
        var nFft = extractor.Config.NFft;
        // Chunks are independent: one per core at a time, each STFT'd into its own columns of the table.
        TorchWorkers.For((_tableFrames + ChunkFrames - 1) / ChunkFrames, c =>
        {
            var f = c * ChunkFrames;
            var frames = Math.Min(ChunkFrames, _tableFrames - f);
            var samples = ArrayPool<float>.Shared.Rent((frames - 1) * _hop + nFft);
            try
            {
                var chunk = samples.AsSpan(0, (frames - 1) * _hop + nFft);
                CopyZeroExtended(signal, (long)first + (long)f * _hop - _pad, chunk);
                using var scope = NewDisposeScope();
                var mel = extractor.MelPowerUncentred(TensorData.FromFloats(chunk, chunk.Length)).contiguous();
                var rows = MemoryMarshal.Cast<byte, float>(mel.bytes);
                for (var m = 0; m < _nMels; m++)
                    rows.Slice(m * frames, frames).CopyTo(_table.AsSpan(m * _tableFrames + f, frames));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(samples);
            }
        });
    }

    /// <summary>Features [n, 1, height, frames] of clips <paramref name="clips"/> (indices k), as <see cref="FeaturePipeline.Extract"/> lays them out.</summary>
    public float[] Compute(ReadOnlySpan<float> signal, ReadOnlySpan<int> clips)
    {
        if (signal.Length != _signalLength)
            throw new ArgumentException($"the signal has {signal.Length} samples, the table was built over {_signalLength}");
        var (n, frameCount, clipSamples) = (clips.Length, _extractor.FrameCount, _extractor.ClipSamples);
        // The tail piece: from `back` frames before the first tail frame (so that frame's samples lie inside the piece)
        // to the clip's end, longer than n_fft / 2.
        var headSamples = _headSamples;
        var back = _head;
        while (clipSamples - (_tail - back) * _hop <= _pad) back++;
        var tailStart = (_tail - back) * _hop;
        var tailSamples = clipSamples - tailStart;
        using var scope = NewDisposeScope();
        var heads = empty([n, headSamples], dtype: ScalarType.Float32);
        var tails = empty([n, tailSamples], dtype: ScalarType.Float32);
        var headValues = MemoryMarshal.Cast<byte, float>(heads.bytes);
        var tailValues = MemoryMarshal.Cast<byte, float>(tails.bytes);
        for (var i = 0; i < n; i++)
        {
            var start = Start(clips[i]);
            CopyZeroExtended(signal, start, headValues.Slice(i * headSamples, headSamples));
            CopyZeroExtended(signal, start + tailStart, tailValues.Slice(i * tailSamples, tailSamples));
        }
        var tailFrames = frameCount - _tail;
        var headMel = TensorData.ToArray<float>(_extractor.MelPower(heads).narrow(-1, 0, _head));
        var tailMel = TensorData.ToArray<float>(_extractor.MelPower(tails).narrow(-1, back, tailFrames));
        // The clips' mel energies, assembled in place in the tensor the rest of the features are computed from.
        var melTensor = empty([n, _nMels, frameCount], dtype: ScalarType.Float32);
        var mel = MemoryMarshal.Cast<byte, float>(melTensor.bytes);
        for (var i = 0; i < n; i++)
        {
            var tableFrame = (int)((Start(clips[i]) - _first) / _hop);
            for (var m = 0; m < _nMels; m++)
            {
                var row = mel.Slice((i * _nMels + m) * frameCount, frameCount);
                headMel.AsSpan((i * _nMels + m) * _head, _head).CopyTo(row);
                _table.AsSpan(m * _tableFrames + tableFrame + _head, _tail - _head).CopyTo(row[_head..]);
                tailMel.AsSpan((i * _nMels + m) * tailFrames, tailFrames).CopyTo(row[_tail..]);
            }
        }
        return TensorData.ToArray<float>(_extractor.FromMelPower(melTensor));
    }

    private long Start(int clip) => _first + (long)clip * _step;

    /// <summary>Samples <paramref name="from"/> .. + destination.Length of the signal, zeros where it has none.</summary>
    private static void CopyZeroExtended(ReadOnlySpan<float> signal, long from, Span<float> destination)
    {
        destination.Clear();
        var lo = Math.Max(0, from);
        var hi = Math.Min(signal.Length, from + destination.Length);
        if (hi > lo) signal[(int)lo..(int)hi].CopyTo(destination[(int)(lo - from)..]);
    }
}
