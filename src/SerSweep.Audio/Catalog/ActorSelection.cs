namespace SerSweep.Audio.Catalog;

/// <summary>A set of RAVDESS actors written as ranges and numbers, e.g. "1-4" or "1,3,5-8" (actors 1..24).</summary>
public sealed record ActorSelection(IReadOnlyList<int> Actors)
{
    public const int MinActor = 1, MaxActor = 24;

    public static ActorSelection All { get; } = new(Enumerable.Range(MinActor, MaxActor).ToArray());

    public bool Contains(int actor) => Actors.Contains(actor);

    /// <summary>Parses "1-4", "1,3,5-8", " 2 , 4 "; throws <see cref="FormatException"/> saying which part is wrong.</summary>
    public static ActorSelection Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException("actor selection is empty (expected e.g. \"1-4\" or \"1,3,5-8\")");
        var actors = new SortedSet<int>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var dash = part.IndexOf('-', 1 < part.Length ? 1 : 0);
            var (lo, hi) = dash > 0
                ? (ParseActor(part[..dash], part, text), ParseActor(part[(dash + 1)..], part, text))
                : (ParseActor(part, part, text), ParseActor(part, part, text));
            if (lo > hi)
                throw new FormatException($"actor range \"{part}\" in \"{text}\" runs backwards ({lo} > {hi})");
            for (var a = lo; a <= hi; a++) actors.Add(a);
        }
        return new ActorSelection(actors.ToArray());
    }

    private static int ParseActor(string number, string part, string text)
    {
        if (!int.TryParse(number.Trim(), out var actor))
            throw new FormatException($"\"{part}\" in actor selection \"{text}\" is not a number or range (expected e.g. \"1-4\" or \"1,3,5-8\")");
        if (actor is < MinActor or > MaxActor)
            throw new FormatException($"actor {actor} in \"{text}\" is out of range {MinActor}..{MaxActor}");
        return actor;
    }

    public override string ToString() => string.Join(',', Actors);
}
