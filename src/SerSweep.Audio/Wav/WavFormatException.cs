namespace SerSweep.Audio.Wav;

/// <summary>Why a file is not an audio file these decoders can read (named for WAV, its first format).</summary>
public enum WavError
{
    /// <summary>The file has no bytes at all.</summary>
    Empty,
    /// <summary>The first bytes are not "RIFF....WAVE".</summary>
    NotRiffWave,
    /// <summary>The file ends inside the RIFF header, a chunk header or the fmt chunk.</summary>
    TruncatedHeader,
    /// <summary>A chunk's declared size runs past the end of the file (and it is not the data chunk).</summary>
    ChunkSizeExceedsFile,
    MissingFormatChunk,
    MissingDataChunk,
    /// <summary>The data chunk declares more bytes than the file holds, or ends inside a sample frame.</summary>
    TruncatedData,
    /// <summary>Format tag (or extensible sub-format) that is neither PCM nor IEEE float.</summary>
    UnsupportedEncoding,
    /// <summary>Bits per sample the encoding does not define (e.g. PCM 12, float 16).</summary>
    UnsupportedBitDepth,
    /// <summary>Zero channels or more than <see cref="WavReader.MaxChannels"/>.</summary>
    InvalidChannelCount,
    /// <summary>Sample rate outside [<see cref="WavReader.MinSampleRate"/>, <see cref="WavReader.MaxSampleRate"/>].</summary>
    InvalidSampleRate,
    /// <summary>block_align or byte_rate disagree with channels and bits per sample.</summary>
    InconsistentFormat,
    /// <summary>The content is none of the supported formats (WAV, MP3, FLAC), whatever the file's extension.</summary>
    UnknownFormat,
    /// <summary>MP3 content (ID3 tag or frame sync) with no decodable MPEG audio frame.</summary>
    CorruptMp3,
    /// <summary>FLAC content ("fLaC") that is malformed, truncated or fails a CRC check.</summary>
    CorruptFlac,
}

/// <summary>A WAV file could not be decoded: names the file and the reason.</summary>
public sealed class WavFormatException(string file, WavError error, string detail)
    : Exception($"{file}: {detail}")
{
    public string File { get; } = file;
    public WavError Error { get; } = error;
    public string Detail { get; } = detail;
}
