using System.Globalization;
using Microsoft.AspNetCore.Http;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// The query string of <c>GET /api/sweeps/{id}/trials</c>: <c>sort</c> (objective, a metric, index, finished_at,
/// param:PATH), <c>desc</c> (true/false), <c>status</c> (comma-separated, snake_case), <c>range</c>
/// (PATH:MIN:MAX, either end empty; repeatable), <c>page</c> (0-based), <c>page_size</c> (1..1000).
/// </summary>
internal static class LeaderboardRequest
{
    public const string Usage =
        "query: sort=objective|METRIC|index|finished_at|param:PATH, desc=true|false, status=completed,pruned,..., range=PATH:MIN:MAX, page=N, page_size=1..1000";

    public static LeaderboardQuery? Parse(IQueryCollection query)
    {
        var result = new LeaderboardQuery();
        if (query["sort"].ToString() is { Length: > 0 } sort)
            result = result with { SortBy = sort };
        if (query["desc"].ToString() is { Length: > 0 } desc)
        {
            if (!bool.TryParse(desc, out var descending)) return null;
            result = result with { Descending = descending };
        }
        if (query["status"].ToString() is { Length: > 0 } statusList)
        {
            var statuses = new List<TrialState>();
            foreach (var name in statusList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<TrialState>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var status)
                    || !Enum.IsDefined(status)) return null;
                statuses.Add(status);
            }
            result = result with { Statuses = statuses };
        }
        var ranges = new Dictionary<string, (double? Min, double? Max)>();
        foreach (var range in query["range"])
        {
            var parts = (range ?? "").Split(':');
            if (parts.Length != 3 || parts[0].Length == 0 || !TryBound(parts[1], out var min) || !TryBound(parts[2], out var max)) return null;
            ranges[parts[0]] = (min, max);
        }
        result = result with { ParameterRanges = ranges };
        if (!TryInt(query["page"], 0, out var page) || !TryInt(query["page_size"], 50, out var pageSize) || page < 0 || pageSize is < 1 or > 1000)
            return null;
        return result with { Page = page, PageSize = pageSize };
    }

    public static IResult BadRequest(IQueryCollection query) =>
        Results.Problem($"invalid leaderboard query '{QueryString.Create(query)}'; {Usage}", statusCode: StatusCodes.Status400BadRequest);

    private static bool TryBound(string text, out double? bound)
    {
        bound = null;
        if (text.Length == 0) return true;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return false;
        bound = value;
        return true;
    }

    private static bool TryInt(string? text, int fallback, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
