using System.Buffers.Binary;
using CsCheck;

namespace SerSweep.Testing.Fuzz;

/// <summary>What a mutation does to a file's bytes.</summary>
public enum MutationKind
{
    /// <summary>Flips a few bits anywhere.</summary>
    BitFlips,
    /// <summary>Cuts the file short.</summary>
    Truncate,
    /// <summary>Inserts a piece of another seed file (or of itself).</summary>
    Splice,
    /// <summary>Repeats a piece of the file a few times in place.</summary>
    Duplicate,
    /// <summary>Removes a piece.</summary>
    Delete,
    /// <summary>Inserts a token the format gives meaning to (YAML indicators, odd numbers, control characters).</summary>
    InsertToken,
    /// <summary>Writes an extreme 16- or 32-bit integer, mostly into the first 64 bytes (where binary headers live).</summary>
    OverwriteInteger,
    /// <summary>Grows the file past the size limits by repeating a piece of it.</summary>
    Huge,
}

/// <summary>
/// One mutation of one seed file, drawn by CsCheck (so that a failing case shrinks to a small one). Positions and
/// lengths are raw numbers, taken modulo the size of the file they are applied to, so one mutation applies to any file.
/// </summary>
public sealed record Mutation(MutationKind Kind, int Position, int Length, int Value, int Other)
{
    private static readonly string[] Tokens =
    [
        "[", "]", "{", "}", ":", ": ", "- ", ",", "&a ", "*a", "<<: *a\n", "!!str ", "!!binary ", "!<tag:x> ", "|", ">-\n", "'", "\"", "\\",
        "\t", "\n", "\r", "\r\n", "#", "%YAML 1.2\n", "%TAG ! tag:x:\n", "---\n", "...\n", "? ", "\0", "\uFEFF", "\u2028", "\uFFFD",
        "1e309", "-1e309", "-1", "0", "2147483648", "9223372036854775808", "NaN", ".nan", ".inf", "-.inf", "0x7FFFFFFF", "~", "null",
        "true", "no", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{a: {a: {a: {a: {a: ", "       ", "\"\\u0000\"", "'''",
    ];

    private static readonly long[] Integers =
        [0, 1, -1, 2, 3, 8, 16, 24, 32, 64, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE, 8000, 44100, 48000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF0, 3, 0xFFFE];

    /// <summary>A CsCheck generator of mutations; <paramref name="hugeWeight"/> is how often (of 100) a file grows past the limits.</summary>
    public static Gen<Mutation> Gen(int hugeWeight = 1) =>
        CsCheck.Gen.Select(
            CsCheck.Gen.Frequency(
                (20, CsCheck.Gen.Const(MutationKind.BitFlips)), (12, CsCheck.Gen.Const(MutationKind.Truncate)),
                (14, CsCheck.Gen.Const(MutationKind.Splice)), (10, CsCheck.Gen.Const(MutationKind.Duplicate)),
                (10, CsCheck.Gen.Const(MutationKind.Delete)), (20, CsCheck.Gen.Const(MutationKind.InsertToken)),
                (14, CsCheck.Gen.Const(MutationKind.OverwriteInteger)), (hugeWeight, CsCheck.Gen.Const(MutationKind.Huge))),
            CsCheck.Gen.Int[0, int.MaxValue], CsCheck.Gen.Int[0, 256], CsCheck.Gen.Int[0, int.MaxValue], CsCheck.Gen.Int[0, int.MaxValue],
            (kind, position, length, value, other) => new Mutation(kind, position, length, value, other));

    /// <summary>One seed (drawn by index) with one to four mutations applied in turn.</summary>
    public static Gen<(int Seed, Mutation[] Mutations)> Cases(int seeds, int hugeWeight = 1) =>
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, seeds - 1], Gen(hugeWeight).Array[1, 4], (seed, mutations) => (seed, mutations));

    /// <summary>The seed's bytes after every mutation; <paramref name="hugeBytes"/> is the size a <see cref="MutationKind.Huge"/> grows the file to.</summary>
    public static byte[] ApplyAll(IReadOnlyList<byte[]> seeds, int seed, IEnumerable<Mutation> mutations, int hugeBytes) =>
        mutations.Aggregate(seeds[seed], (bytes, m) => m.Apply(bytes, seeds, hugeBytes));

    public byte[] Apply(byte[] data, IReadOnlyList<byte[]> seeds, int hugeBytes)
    {
        var n = data.Length;
        var at = n == 0 ? 0 : Position % (n + 1);
        var span = n == 0 ? 0 : Math.Min(Length + 1, n - Math.Min(at, n));
        switch (Kind)
        {
            case MutationKind.BitFlips:
            {
                if (n == 0) return data;
                var copy = (byte[])data.Clone();
                var random = new Random(Value);
                for (var i = 0; i <= Length % 8; i++)
                {
                    var bit = random.NextInt64((long)n * 8);
                    copy[bit / 8] ^= (byte)(1 << (int)(bit % 8));
                }
                return copy;
            }
            case MutationKind.Truncate:
                return data[..at];
            case MutationKind.Splice:
            {
                var donor = seeds[Other % seeds.Count];
                if (donor.Length == 0) return data;
                var from = Value % donor.Length;
                var piece = donor.AsSpan(from, Math.Min(Length * 16 + 1, donor.Length - from));
                return [.. data.AsSpan(0, at), .. piece, .. data.AsSpan(at)];
            }
            case MutationKind.Duplicate:
            {
                var piece = data.AsSpan(at, span).ToArray();
                var copies = Enumerable.Repeat(piece, Value % 4 + 1).SelectMany(p => p);
                return [.. data.AsSpan(0, at), .. copies, .. data.AsSpan(at)];
            }
            case MutationKind.Delete:
                return [.. data.AsSpan(0, at), .. data.AsSpan(at + span)];
            case MutationKind.InsertToken:
            {
                var token = System.Text.Encoding.UTF8.GetBytes(Tokens[Value % Tokens.Length]);
                return [.. data.AsSpan(0, at), .. token, .. data.AsSpan(at)];
            }
            case MutationKind.OverwriteInteger:
            {
                if (n < 2) return data;
                var copy = (byte[])data.Clone();
                var width = Other % 2 == 0 ? 4 : 2;
                // Mostly the header (RIFF sizes, fmt fields, chunk ids), sometimes anywhere.
                var where = (Other % 3 == 0 ? Position % n : Position % Math.Min(n, 64)) & ~1;
                where = Math.Min(where, n - width);
                if (where < 0) return data;
                var value = Integers[Value % Integers.Length];
                if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(where), (uint)value);
                else BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(where), (ushort)value);
                return copy;
            }
            case MutationKind.Huge:
            {
                if (n == 0) return data;
                var piece = data.AsSpan(at == n ? 0 : at, Math.Max(1, span)).ToArray();
                var grown = new byte[Math.Max(n, hugeBytes) + Value % 4096];
                data.CopyTo(grown, 0);
                for (var i = n; i < grown.Length; i++) grown[i] = piece[(i - n) % piece.Length];
                return grown;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null);
        }
    }
}
