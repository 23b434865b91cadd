using System.Buffers.Binary;
using System.Text;

namespace SerSweep.Audio.Tests;

/// <summary>Writes WAV files byte by byte for the decoder tests: any format tag, bit depth, chunk order or lie.</summary>
public static class WavBuilder
{
    public static byte[] Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        var padded = body.Length + (body.Length & 1);
        var chunk = new byte[8 + padded];
        Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), declaredSize ?? (uint)body.Length);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    public static byte[] Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null, int? byteRate = null)
    {
        var fmt = new byte[16];
        var align = blockAlign ?? channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(byteRate ?? rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        return Chunk("fmt ", fmt);
    }

    /// <summary>A WAVE_FORMAT_EXTENSIBLE fmt chunk whose sub-format GUID carries <paramref name="subFormat"/>.</summary>
    public static byte[] FmtExtensible(ushort subFormat, int channels, int rate, int bits)
    {
        var fmt = new byte[40];
        var align = channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), channels == 1 ? 4u : 3u);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), subFormat);
        byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(fmt, 26);
        return Chunk("fmt ", fmt);
    }

    public static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + body.Length));
        "WAVE"u8.CopyTo(file.AsSpan(8));
        body.CopyTo(file, 12);
        return file;
    }

    /// <summary>16-bit PCM mono/stereo from interleaved samples.</summary>
    public static byte[] Pcm16(short[] interleaved, int channels = 1, int rate = 48000)
    {
        var data = new byte[interleaved.Length * 2];
        for (var i = 0; i < interleaved.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), interleaved[i]);
        return Riff(Fmt(1, channels, rate, 16), Chunk("data", data));
    }
}
