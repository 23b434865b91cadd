namespace SerSweep.Audio.Wav;

/// <summary>Decoded audio: mono samples in [-1, 1] (channels averaged) at <see cref="SampleRate"/>.</summary>
public sealed record WavAudio(float[] Samples, int SampleRate, int Channels, WavEncoding Encoding, int BitsPerSample)
{
    public double Seconds => (double)Samples.Length / SampleRate;
}

/// <summary>
/// Decoded mono samples at <see cref="SampleRate"/> in the first <see cref="Length"/> floats of <see cref="Buffer"/>,
/// a buffer its caller reuses from file to file.
/// </summary>
public readonly record struct SampleBuffer(float[] Buffer, int Length, int SampleRate)
{
    public ReadOnlySpan<float> Samples => Buffer.AsSpan(0, Length);
    public double Seconds => (double)Length / SampleRate;
}

public enum WavEncoding { Pcm, Float }
