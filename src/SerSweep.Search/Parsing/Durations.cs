using System.Globalization;
using System.Text.RegularExpressions;

namespace SerSweep.Search.Parsing;

/// <summary>Durations as a sweep file writes them ("90m", "2h30m", "45s"): <c>search.time_limit</c> and <c>sweep --time-limit</c>.</summary>
public static partial class Durations
{
    /// <summary>The longest time limit a sweep may set: a year, far past any sweep and far below TimeSpan's range.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(366);

    /// <summary>What an invalid duration is told.</summary>
    public static string Expected => $"a duration such as 90m or 2h30m, up to {Max.TotalHours:0}h";

    /// <summary>The duration <paramref name="text"/> writes, when it is one above zero and at most <see cref="Max"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (Pattern().Match(text) is not { Success: true } match) return false;
        var seconds = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var amount = double.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            seconds += amount * part.Value[^1] switch { 'h' => 3600, 'm' => 60, _ => 1 };
        }
        // Summed as seconds: TimeSpan itself throws OverflowException past ~29 000 years ("99999999999h").
        if (seconds <= 0 || seconds > Max.TotalSeconds) return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>"2h30m", "45m", "90s": how a duration is written back.</summary>
    public static string Format(TimeSpan duration) =>
        (duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h" : "") + (duration.Minutes > 0 ? $"{duration.Minutes}m" : "") +
        (duration.Seconds > 0 || duration < TimeSpan.FromMinutes(1) ? $"{duration.Seconds}s" : "");

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?[hms])+$")]
    private static partial Regex Pattern();
}
