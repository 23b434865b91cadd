using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace SerSweep.Audio.Wav;

/// <summary>
/// An open WAV file whose mono samples are read by range (<see cref="WavReader.Open"/>): a long recording is decoded
/// piece by piece, never whole at its own rate. Reads are positioned, so several threads may read at once.
/// </summary>
public sealed class WavSamples : IDisposable
{
    internal delegate void MonoDecoder(ReadOnlySpan<byte> frames, Span<float> mono);

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly int _blockAlign;
    private readonly MonoDecoder _decode;

    public int SampleRate { get; }
    /// <summary>Samples (frames) in the file.</summary>
    public long Length { get; }

    internal WavSamples(SafeFileHandle handle, int sampleRate, long length, long dataStart, int blockAlign, MonoDecoder decode)
    {
        (_handle, SampleRate, Length, _dataStart, _blockAlign, _decode) = (handle, sampleRate, length, dataStart, blockAlign, decode);
    }

    /// <summary>Mono samples <paramref name="first"/> .. first + mono.Length - 1, all within <see cref="Length"/>.</summary>
    public void Read(long first, Span<float> mono)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + mono.Length, Length);
        var bytes = ArrayPool<byte>.Shared.Rent(mono.Length * _blockAlign);
        try
        {
            var frames = bytes.AsSpan(0, mono.Length * _blockAlign);
            WavReader.ReadExactly(_handle, frames, _dataStart + first * _blockAlign);
            _decode(frames, mono);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public void Dispose() => _handle.Dispose();
}
