using SerSweep.Audio.Wav;

namespace SerSweep.Audio.Decoding;

/// <summary>
/// A small FLAC decoder (RFC 9639), fully managed: STREAMINFO, then frames of CONSTANT, VERBATIM, FIXED (orders 0-4) and
/// LPC (orders 1-32) subframes with wasted bits, Rice-coded residuals (4- and 5-bit parameters, escapes), the independent,
/// left/side, side/right and mid/side channel assignments, 4-32 bits per sample. Header CRC-8 and frame CRC-16 are checked.
/// Returns what <see cref="WavReader"/> returns for the same PCM: mono samples in [-1, 1], PCM / 2^(bits-1), channels
/// averaged the same way, so a FLAC and its WAV decode to identical samples. Anything malformed, truncated or failing a
/// CRC is a <see cref="WavFormatException"/> with <see cref="WavError.CorruptFlac"/> naming the file and the reason.
/// </summary>
public static class FlacReader
{
    /// <summary>The PCM of a FLAC stream: one integer array per channel.</summary>
    public sealed record FlacPcm(int[][] Channels, int SampleRate, int BitsPerSample);

    public static WavAudio Read(string path) => Read(File.ReadAllBytes(path), path);

    /// <summary>A whole FLAC file held in memory to mono floats; <paramref name="source"/> names it in errors.</summary>
    public static WavAudio Read(byte[] data, string source)
    {
        var pcm = Decode(source, data);
        var channels = pcm.Channels.Length;
        var mono = new float[pcm.Channels[0].Length];
        var scale = 1.0 / (1L << (pcm.BitsPerSample - 1));
        var average = 1f / channels;
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = 0.0;
            for (var c = 0; c < channels; c++) sum += pcm.Channels[c][i] * scale;
            mono[i] = (float)sum * average;
        }
        return new WavAudio(mono, pcm.SampleRate, channels, WavEncoding.Pcm, pcm.BitsPerSample);
    }

    public static FlacPcm Decode(string path, byte[] data)
    {
        try
        {
            return new Decoder(data).Run();
        }
        catch (FlacException e)
        {
            throw new WavFormatException(path, WavError.CorruptFlac, $"FLAC file that does not decode: {e.Message}");
        }
    }

    private sealed class FlacException(string message) : Exception(message);

    private sealed class Decoder(byte[] data)
    {
        private readonly BitReader bits = new(data);
        private int sampleRate, channelCount, bitsPerSample;
        private long totalSamples;

        public FlacPcm Run()
        {
            if (bits.ReadBits(32) != 0x664C6143) throw new FlacException("no fLaC marker");
            ReadMetadata();
            var frames = new List<long[][]>();
            while (!bits.AtEnd) frames.Add(ReadFrame());
            var decoded = frames.Sum(f => (long)f[0].Length);
            if (totalSamples != 0 && decoded != totalSamples)
                throw new FlacException($"truncated: STREAMINFO declares {totalSamples} samples per channel, the frames hold {decoded}");
            if (decoded == 0) throw new FlacException("no audio frame");
            var channels = new int[channelCount][];
            for (var c = 0; c < channelCount; c++)
            {
                channels[c] = new int[decoded];
                var at = 0;
                foreach (var frame in frames)
                    for (var i = 0; i < frame[c].Length; i++) channels[c][at++] = (int)frame[c][i];
            }
            return new FlacPcm(channels, sampleRate, bitsPerSample);
        }

        private void ReadMetadata()
        {
            var sawStreamInfo = false;
            bool last;
            do
            {
                last = bits.ReadBits(1) == 1;
                var type = bits.ReadBits(7);
                var length = (int)bits.ReadBits(24);
                if (type == 0)
                {
                    if (length != 34) throw new FlacException($"STREAMINFO of {length} bytes, expected 34");
                    bits.ReadBits(16); // min block size
                    bits.ReadBits(16); // max block size
                    bits.ReadBits(24); // min frame size
                    bits.ReadBits(24); // max frame size
                    sampleRate = (int)bits.ReadBits(20);
                    channelCount = (int)bits.ReadBits(3) + 1;
                    bitsPerSample = (int)bits.ReadBits(5) + 1;
                    totalSamples = ((long)bits.ReadBits(4) << 32) | bits.ReadBits(32);
                    bits.Skip(16); // MD5 of the PCM
                    sawStreamInfo = true;
                }
                else
                {
                    if (!sawStreamInfo) throw new FlacException("the first metadata block is not STREAMINFO");
                    bits.Skip(length);
                }
            } while (!last);
            if (!sawStreamInfo) throw new FlacException("no STREAMINFO");
            if (sampleRate is < WavReader.MinSampleRate or > WavReader.MaxSampleRate) throw new FlacException($"sample rate {sampleRate} Hz");
            if (bitsPerSample < 4) throw new FlacException($"{bitsPerSample} bits per sample");
        }

        /// <summary>One frame: its samples per channel, decorrelated.</summary>
        private long[][] ReadFrame()
        {
            var frameStart = bits.BytePosition;
            if (bits.ReadBits(15) != 0x7FFC) throw new FlacException($"no frame sync at byte {frameStart}");
            bits.ReadBits(1); // blocking strategy
            var blockSizeCode = (int)bits.ReadBits(4);
            var rateCode = (int)bits.ReadBits(4);
            var assignment = (int)bits.ReadBits(4);
            var sizeCode = (int)bits.ReadBits(3);
            if (bits.ReadBits(1) != 0) throw new FlacException($"reserved header bit set at byte {frameStart}");
            SkipCodedNumber();
            var blockSize = blockSizeCode switch
            {
                0 => throw new FlacException($"reserved block size code at byte {frameStart}"),
                1 => 192,
                <= 5 => 576 << (blockSizeCode - 2),
                6 => (int)bits.ReadBits(8) + 1,
                7 => (int)bits.ReadBits(16) + 1,
                _ => 256 << (blockSizeCode - 8),
            };
            switch (rateCode)
            {
                case 12: bits.ReadBits(8); break;
                case 13 or 14: bits.ReadBits(16); break;
                case 15: throw new FlacException($"invalid sample rate code at byte {frameStart}");
            }
            var frameBits = sizeCode switch
            {
                0 => bitsPerSample, 1 => 8, 2 => 12, 4 => 16, 5 => 20, 6 => 24, 7 => 32,
                _ => throw new FlacException($"reserved sample size code at byte {frameStart}"),
            };
            var headerEnd = bits.BytePosition;
            if (bits.ReadBits(8) != Crc8(data.AsSpan(frameStart, headerEnd - frameStart)))
                throw new FlacException($"frame header CRC-8 mismatch at byte {frameStart}");
            var channels = assignment < 8 ? assignment + 1 : assignment <= 10 ? 2 : throw new FlacException($"reserved channel assignment at byte {frameStart}");
            if (channels != channelCount) throw new FlacException($"frame at byte {frameStart} has {channels} channels, STREAMINFO {channelCount}");

            var samples = new long[channels][];
            for (var c = 0; c < channels; c++)
            {
                // The side channel carries one more bit.
                var side = (assignment == 8 && c == 1) || (assignment == 9 && c == 0) || (assignment == 10 && c == 1);
                samples[c] = ReadSubframe(blockSize, frameBits + (side ? 1 : 0));
            }
            Decorrelate(assignment, samples);
            bits.AlignToByte();
            var frameEnd = bits.BytePosition;
            if (bits.ReadBits(16) != Crc16(data.AsSpan(frameStart, frameEnd - frameStart)))
                throw new FlacException($"frame CRC-16 mismatch in the frame at byte {frameStart}");
            return samples;
        }

        /// <summary>The frame or sample number, coded like UTF-8 (up to 7 bytes).</summary>
        private void SkipCodedNumber()
        {
            var first = bits.ReadBits(8);
            var extra = first < 0x80 ? 0 : first >= 0xFE ? 6 : first >= 0xFC ? 5 : first >= 0xF8 ? 4 : first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1
                : throw new FlacException("malformed frame number");
            for (var i = 0; i < extra; i++)
                if ((bits.ReadBits(8) & 0xC0) != 0x80) throw new FlacException("malformed frame number");
        }

        private long[] ReadSubframe(int blockSize, int sampleBits)
        {
            if (bits.ReadBits(1) != 0) throw new FlacException("subframe padding bit set");
            var type = (int)bits.ReadBits(6);
            var wasted = 0;
            if (bits.ReadBits(1) == 1) wasted = bits.ReadUnary() + 1;
            if (wasted >= sampleBits) throw new FlacException($"{wasted} wasted bits of {sampleBits}");
            sampleBits -= wasted;
            var samples = new long[blockSize];
            switch (type)
            {
                case 0:
                    Array.Fill(samples, bits.ReadSigned(sampleBits));
                    break;
                case 1:
                    for (var i = 0; i < blockSize; i++) samples[i] = bits.ReadSigned(sampleBits);
                    break;
                case >= 8 and <= 12:
                    Fixed(samples, type - 8, sampleBits);
                    break;
                case >= 32:
                    Lpc(samples, type - 31, sampleBits);
                    break;
                default:
                    throw new FlacException($"reserved subframe type {type}");
            }
            if (wasted > 0)
                for (var i = 0; i < blockSize; i++) samples[i] <<= wasted;
            return samples;
        }

        private void Fixed(long[] samples, int order, int sampleBits)
        {
            if (order > samples.Length) throw new FlacException($"fixed predictor order {order} above the block size {samples.Length}");
            for (var i = 0; i < order; i++) samples[i] = bits.ReadSigned(sampleBits);
            ReadResidual(samples, order);
            for (var i = order; i < samples.Length; i++)
            {
                samples[i] += order switch
                {
                    0 => 0,
                    1 => samples[i - 1],
                    2 => 2 * samples[i - 1] - samples[i - 2],
                    3 => 3 * samples[i - 1] - 3 * samples[i - 2] + samples[i - 3],
                    _ => 4 * samples[i - 1] - 6 * samples[i - 2] + 4 * samples[i - 3] - samples[i - 4],
                };
            }
        }

        private void Lpc(long[] samples, int order, int sampleBits)
        {
            if (order > samples.Length) throw new FlacException($"LPC order {order} above the block size {samples.Length}");
            for (var i = 0; i < order; i++) samples[i] = bits.ReadSigned(sampleBits);
            var precision = (int)bits.ReadBits(4) + 1;
            if (precision == 16) throw new FlacException("invalid LPC coefficient precision");
            var shift = (int)bits.ReadSigned(5);
            if (shift < 0) throw new FlacException($"negative LPC shift {shift}");
            var coefficients = new long[order];
            for (var j = 0; j < order; j++) coefficients[j] = bits.ReadSigned(precision);
            ReadResidual(samples, order);
            for (var i = order; i < samples.Length; i++)
            {
                long prediction = 0;
                for (var j = 0; j < order; j++) prediction += coefficients[j] * samples[i - 1 - j];
                samples[i] += prediction >> shift;
            }
        }

        /// <summary>Rice-coded residuals into samples[order..].</summary>
        private void ReadResidual(long[] samples, int order)
        {
            var method = bits.ReadBits(2);
            if (method > 1) throw new FlacException($"reserved residual coding method {method}");
            var parameterBits = method == 0 ? 4 : 5;
            var escape = (1u << parameterBits) - 1;
            var partitionOrder = (int)bits.ReadBits(4);
            var partitions = 1 << partitionOrder;
            if (samples.Length % partitions != 0 || (samples.Length >> partitionOrder) < order)
                throw new FlacException($"partition order {partitionOrder} does not fit a block of {samples.Length} with predictor order {order}");
            var i = order;
            for (var p = 0; p < partitions; p++)
            {
                var count = (samples.Length >> partitionOrder) - (p == 0 ? order : 0);
                var parameter = bits.ReadBits(parameterBits);
                if (parameter == escape)
                {
                    var raw = (int)bits.ReadBits(5);
                    for (var n = 0; n < count; n++) samples[i++] = raw == 0 ? 0 : bits.ReadSigned(raw);
                    continue;
                }
                for (var n = 0; n < count; n++)
                {
                    var folded = ((ulong)bits.ReadUnary() << (int)parameter) | bits.ReadBits((int)parameter);
                    samples[i++] = (long)(folded >> 1) ^ -(long)(folded & 1);
                }
            }
        }

        private static void Decorrelate(int assignment, long[][] s)
        {
            var length = s[0].Length;
            switch (assignment)
            {
                case 8: // left, side: right = left - side
                    for (var i = 0; i < length; i++) s[1][i] = s[0][i] - s[1][i];
                    break;
                case 9: // side, right: left = side + right
                    for (var i = 0; i < length; i++) s[0][i] += s[1][i];
                    break;
                case 10: // mid, side
                    for (var i = 0; i < length; i++)
                    {
                        var side = s[1][i];
                        var mid = (s[0][i] << 1) | (side & 1);
                        s[0][i] = (mid + side) >> 1;
                        s[1][i] = (mid - side) >> 1;
                    }
                    break;
            }
        }

        private static byte Crc8(ReadOnlySpan<byte> bytes)
        {
            byte crc = 0;
            foreach (var b in bytes)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++) crc = (byte)((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1);
            }
            return crc;
        }

        // CRC-16 (polynomial 0x8005) over whole frames: a byte at a time through a table.
        private static readonly ushort[] Crc16Table = Enumerable.Range(0, 256).Select(b =>
        {
            var crc = (ushort)(b << 8);
            for (var k = 0; k < 8; k++) crc = (ushort)((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1);
            return crc;
        }).ToArray();

        private static ushort Crc16(ReadOnlySpan<byte> bytes)
        {
            ushort crc = 0;
            foreach (var b in bytes) crc = (ushort)((crc << 8) ^ Crc16Table[(crc >> 8) ^ b]);
            return crc;
        }
    }

    /// <summary>
    /// Big-endian bits, most significant first, through a 64-bit cache (a byte at a time was 10x slower than reading the
    /// WAV); reading past the end is a truncated file.
    /// </summary>
    private sealed class BitReader(byte[] data)
    {
        private ulong cache; // the next cacheBits bits, left-aligned; the bits below them are zero
        private int cacheBits;
        private int next; // the next byte to load into the cache

        public bool AtEnd => next >= data.Length && cacheBits == 0;
        public int BytePosition => next - cacheBits / 8;

        public uint ReadBits(int count)
        {
            if (count == 0) return 0;
            if (cacheBits < count) Refill();
            if (cacheBits < count) throw new FlacException($"truncated: the file ends at byte {data.Length} inside a frame or block");
            var value = (uint)(cache >> (64 - count));
            cache <<= count;
            cacheBits -= count;
            return value;
        }

        public long ReadSigned(int count)
        {
            if (count == 0) return 0;
            // A 32-bit stream's side channel has 33 bits.
            var value = count > 32 ? ((long)ReadBits(count - 32) << 32) | ReadBits(32) : (long)ReadBits(count);
            return (value << (64 - count)) >> (64 - count);
        }

        /// <summary>Zeros before the next one bit.</summary>
        public int ReadUnary()
        {
            var zeros = 0;
            while (true)
            {
                if (cache != 0)
                {
                    var leading = System.Numerics.BitOperations.LeadingZeroCount(cache);
                    // Two shifts: C# masks a shift count of 64 to 0.
                    cache = (cache << leading) << 1;
                    cacheBits -= leading + 1;
                    return zeros + leading;
                }
                zeros += cacheBits;
                cacheBits = 0;
                Refill();
                if (cacheBits == 0) throw new FlacException($"truncated: the file ends at byte {data.Length} inside a residual");
            }
        }

        public void Skip(int bytes)
        {
            var target = (long)BytePosition + bytes;
            if (target > data.Length) throw new FlacException("truncated metadata block");
            (cache, cacheBits, next) = (0, 0, (int)target);
        }

        public void AlignToByte()
        {
            var drop = cacheBits % 8;
            cache <<= drop;
            cacheBits -= drop;
        }

        private void Refill()
        {
            while (cacheBits <= 56 && next < data.Length)
            {
                cache |= (ulong)data[next++] << (56 - cacheBits);
                cacheBits += 8;
            }
        }
    }
}
