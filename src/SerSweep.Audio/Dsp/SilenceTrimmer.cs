namespace SerSweep.Audio.Dsp;

/// <summary>
/// Finds the non-silent span of a signal, like librosa.effects.trim: frames whose RMS is more than
/// <c>topDb</c> below the loudest frame's are silence; the span runs from the first loud frame's start to the
/// last loud frame's end. A fully silent signal keeps its full length (nothing is louder than anything else).
/// </summary>
public static class SilenceTrimmer
{
    public static (int Start, int Length) Span(ReadOnlySpan<float> signal, int frameLength, int hopLength, double topDb)
    {
        if (signal.Length <= frameLength) return (0, signal.Length);
        var frames = 1 + (signal.Length - frameLength) / hopLength;
        var power = new double[frames];
        var peak = 0.0;
        for (var f = 0; f < frames; f++)
        {
            var frame = signal.Slice(f * hopLength, frameLength);
            var sum = 0.0;
            foreach (var x in frame) sum += (double)x * x;
            power[f] = sum / frameLength;
            peak = Math.Max(peak, power[f]);
        }
        if (peak <= 0) return (0, signal.Length);
        var threshold = peak * Math.Pow(10, -topDb / 10);
        var first = Array.FindIndex(power, p => p > threshold);
        var last = Array.FindLastIndex(power, p => p > threshold);
        var start = first * hopLength;
        var end = Math.Min(signal.Length, last * hopLength + frameLength);
        return (start, end - start);
    }
}
