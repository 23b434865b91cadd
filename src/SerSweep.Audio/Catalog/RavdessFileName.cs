using System.Diagnostics.CodeAnalysis;
using SerSweep.Core;

namespace SerSweep.Audio.Catalog;

public enum Modality { FullAv = 1, VideoOnly = 2, AudioOnly = 3 }
public enum VocalChannel { Speech = 1, Song = 2 }
public enum Intensity { Normal = 1, Strong = 2 }
public enum Gender { Male, Female }

/// <summary>
/// The seven fields of a RAVDESS file name <c>MM-VV-EE-II-SS-RR-AA.wav</c>: modality, vocal channel, emotion,
/// intensity, statement, repetition, actor (odd actors are male, even female).
/// </summary>
public sealed record RavdessFileName(Modality Modality, VocalChannel VocalChannel, Emotion Emotion, Intensity Intensity,
    int Statement, int Repetition, int Actor)
{
    public Gender Gender => Actor % 2 == 1 ? Gender.Male : Gender.Female;

    public override string ToString() =>
        $"{(int)Modality:D2}-{(int)VocalChannel:D2}-{(int)Emotion:D2}-{(int)Intensity:D2}-{Statement:D2}-{Repetition:D2}-{Actor:D2}.wav";

    /// <summary>Parses a file name (not a path); on failure <paramref name="error"/> says which field is wrong.</summary>
    public static bool TryParse(string fileName, [NotNullWhen(true)] out RavdessFileName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (!fileName.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            error = "not a .wav file";
            return false;
        }
        var parts = fileName[..^4].Split('-');
        if (parts.Length != 7 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiDigit)))
        {
            error = "name is not seven two-digit fields MM-VV-EE-II-SS-RR-AA.wav";
            return false;
        }
        var v = parts.Select(int.Parse).ToArray();
        error = (v[0], v[1], v[2], v[3], v[4], v[5], v[6]) switch
        {
            ( < 1 or > 3, _, _, _, _, _, _) => $"modality {parts[0]} is not 01..03",
            (_, < 1 or > 2, _, _, _, _, _) => $"vocal channel {parts[1]} is not 01 (speech) or 02 (song)",
            (_, _, < 1 or > 8, _, _, _, _) => $"emotion {parts[2]} is not 01..08",
            (_, _, _, < 1 or > 2, _, _, _) => $"intensity {parts[3]} is not 01 (normal) or 02 (strong)",
            (_, _, 1, 2, _, _, _) => "intensity 02 (strong) does not exist for emotion 01 (neutral)",
            (_, _, _, _, < 1 or > 2, _, _) => $"statement {parts[4]} is not 01 or 02",
            (_, _, _, _, _, < 1 or > 2, _) => $"repetition {parts[5]} is not 01 or 02",
            (_, _, _, _, _, _, < ActorSelection.MinActor or > ActorSelection.MaxActor) => $"actor {parts[6]} is not 01..24",
            _ => null,
        };
        if (error is not null) return false;
        name = new RavdessFileName((Modality)v[0], (VocalChannel)v[1], (Emotion)v[2], (Intensity)v[3], v[4], v[5], v[6]);
        return true;
    }
}
