namespace SerSweep.Search;

/// <summary>The closest known name to a misspelt one, for "did you mean" hints.</summary>
public static class DidYouMean
{
    public static string? Closest(string wrong, IEnumerable<string> known)
    {
        var candidates = known.ToArray();
        // An abbreviation of a snake_case name by its initials ("lr" for "learning_rate") beats any spelling distance.
        var abbreviated = candidates.FirstOrDefault(c => IsInitials(wrong, c));
        if (abbreviated is not null) return abbreviated;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wrong.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        // Only suggest what is plausibly a typo: at most a third of the name differs.
        return best is not null && bestDistance <= Math.Max(2, wrong.Length / 3) ? best : null;
    }

    private static bool IsInitials(string wrong, string candidate)
    {
        var (wrongPrefix, wrongName) = SplitLast(wrong);
        var (prefix, name) = SplitLast(candidate);
        var parts = name.Split('_');
        return parts.Length > 1 && wrongPrefix == prefix && string.Concat(parts.Select(p => p[0])) == wrongName;
    }

    private static (string Prefix, string Name) SplitLast(string path) =>
        path.LastIndexOf('.') is var dot and >= 0 ? (path[..dot], path[(dot + 1)..]) : ("", path);

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
