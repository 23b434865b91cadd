using SerSweep.Search.Config;

namespace SerSweep.Search.Strategies;

/// <summary>
/// The next trial to run: its index in the sweep, its training seed, and its parameter values keyed by dotted
/// path, typed like the config fields (apply them with <see cref="SweepDefinition.ConfigFor"/>). Inactive
/// conditional parameters are absent.
/// </summary>
public sealed record TrialSuggestion(int Index, int Seed, IReadOnlyDictionary<string, object?> Parameters)
{
    /// <summary>The parameters as YAML text ("rms_prop", "0.001", "[32, 64]"): for storage and display; <see cref="ConfigPaths.ApplyParameters"/> reads them back.</summary>
    public IReadOnlyDictionary<string, string> ParametersAsText =>
        Parameters.ToDictionary(p => p.Key, p => ValueTypes.Format(p.Value));

    /// <summary>
    /// The parameters as the database keeps them: numbers stay numbers (so the leaderboard can sort and filter them in
    /// SQL), everything else is its YAML text as in <see cref="ParametersAsText"/>. Written by Storage's <c>StoredJson.WriteParameters</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> ParametersToStore =>
        Parameters.ToDictionary(p => p.Key, p => p.Value is int or long or double ? p.Value : (object?)ValueTypes.Format(p.Value));
}
