namespace SerSweep.Training.Data;

/// <summary>Parses actor selections such as "4", "1-4" or "1,3,5-8" into actor numbers.</summary>
public static class ActorList
{
    public static IReadOnlySet<int> Parse(string text, string field)
    {
        var actors = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2 || !range.All(r => int.TryParse(r, out var a) && a > 0))
                throw new FormatException($"{field}: '{part}' is not an actor number or range (expected e.g. \"4\", \"1-4\" or \"1,3,5-8\")");
            var from = int.Parse(range[0]);
            var to = int.Parse(range[^1]);
            if (to < from) throw new FormatException($"{field}: range '{part}' runs backwards");
            for (var a = from; a <= to; a++) actors.Add(a);
        }
        return actors;
    }
}
