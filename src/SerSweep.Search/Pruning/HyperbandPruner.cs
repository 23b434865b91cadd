using System.Text.Json;

namespace SerSweep.Search.Pruning;

/// <summary>
/// Hyperband (<see cref="HyperbandSettings"/>): one <see cref="AshaPruner"/> per bracket, each judging only the trials of
/// its bracket. Its state is the brackets' states, saved with the epoch that changed one, as ASHA's is.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly AshaPruner[] brackets;

    public HyperbandPruner(HyperbandSettings settings) : this(settings, null) { }

    private HyperbandPruner(HyperbandSettings settings, string[]? states)
    {
        Settings = settings;
        brackets = [.. Enumerable.Range(0, settings.BracketCount).Select(s =>
            states?[s] is { } state ? AshaPruner.Restore(settings.Bracket(s), state) : new AshaPruner(settings.Bracket(s)))];
    }

    public HyperbandSettings Settings { get; }

    /// <summary>Bracket s's pruner: its rungs and what it recorded.</summary>
    public IReadOnlyList<AshaPruner> Brackets => brackets;

    public string? Metric => Settings.Metric;

    public bool IsRung(int epoch) => brackets.Any(b => b.IsRung(epoch));

    public AshaDecision Report(int trialIndex, int epoch, double value) => brackets[Settings.BracketOf(trialIndex)].Report(trialIndex, epoch, value);

    public string SaveState() => JsonSerializer.Serialize(brackets.Select(b => b.SaveState()).ToArray());

    /// <exception cref="FormatException">The state is not one of these settings' brackets.</exception>
    public static HyperbandPruner Restore(HyperbandSettings settings, string state)
    {
        var states = JsonSerializer.Deserialize<string[]>(state) ?? throw new FormatException("empty Hyperband state");
        if (states.Length != settings.BracketCount)
            throw new FormatException($"the saved Hyperband state has {states.Length} brackets, these settings {settings.BracketCount}");
        return new HyperbandPruner(settings, states);
    }
}
