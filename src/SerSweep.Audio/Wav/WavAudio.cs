namespace SerSweep.Audio.Wav;

/// <summary>Decoded audio: mono samples in [-1, 1] (channels averaged) at <see cref="SampleRate"/>.</summary>
public sealed record WavAudio(float[] Samples, int SampleRate, int Channels, WavEncoding Encoding, int BitsPerSample)
{
    public double Seconds => (double)Samples.Length / SampleRate;
}

public enum WavEncoding { Pcm, Float }
