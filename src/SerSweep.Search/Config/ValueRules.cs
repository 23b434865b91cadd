using System.Text.RegularExpressions;
using SerSweep.Core;

namespace SerSweep.Search.Config;

/// <summary>
/// The ranges config fields must respect, beyond their types: checked on the base values and on every value
/// a parameter can take, so that a sweep never schedules a trial that cannot run.
/// </summary>
public static partial class ValueRules
{
    /// <summary>A requirement ("in [0, 1)") and how to meet it.</summary>
    public sealed record Rule(Func<object, bool> Holds, string Requirement, string Hint);

    private static readonly Rule Positive = new(v => Number(v) > 0, "greater than 0", "use a positive value");
    private static readonly Rule NonNegative = new(v => Number(v) >= 0, "at least 0", "use 0 (off) or a positive value");
    private static readonly Rule Fraction = new(v => Number(v) is >= 0 and < 1, "in [0, 1)", "use a fraction from 0 up to, not including, 1");
    private static readonly Rule AtLeastOne = new(v => Number(v) >= 1, "at least 1", "use a whole number of 1 or more");
    // training.metric picks an epoch: a cost is measured once, on the kept weights, so it cannot.
    private static readonly Rule KnownMetric = new(v => Metrics.All.Except(Metrics.Cost).Contains((string)v), $"one of {string.Join(", ", Metrics.All.Except(Metrics.Cost))}", "use a validation metric such as val_accuracy or val_loss");
    private static readonly Rule ActorList = new(v => IsActorList((string)v), "a list of actors 1..24 such as \"1-4\" or \"1,3,5-8\"", "RAVDESS has actors 1 to 24: write single actors and ranges separated by commas");
    private static readonly Rule OptionalActorList = new(v => (string)v == "" || IsActorList((string)v), "empty or a list of actors 1..24 such as \"4\" or \"21-24\"", "RAVDESS has actors 1 to 24: write single actors and ranges separated by commas");
    private static readonly Rule PositiveChannels = new(v => v is IReadOnlyList<int> { Count: > 0 } list && list.All(c => c > 0), "a non-empty list of positive channel counts", "write one output channel count per conv block, e.g. [16, 32, 64]");
    private static readonly Rule PositiveWarpFactors = new(v => v is IReadOnlyList<double> list && list.All(f => f > 0), "a list of positive warp factors", "write factors around 1, e.g. [0.9, 1.0, 1.1], or [] for none");
    private static readonly Rule PositiveFactors = new(v => v is IReadOnlyList<double> list && list.All(f => f > 0), "a list of positive speed factors", "write factors around 1, e.g. [0.9, 1.0, 1.1], or [] for none");

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["data.actors"] = ActorList,
        ["data.split.val_fraction"] = Fraction,
        ["data.split.test_fraction"] = Fraction,
        ["data.split.test_actors"] = OptionalActorList,
        ["data.split.val_actors"] = OptionalActorList,
        ["data.split.folds"] = AtLeastOne,
        ["data.split.fold"] = NonNegative,
        ["features.sample_rate"] = Positive,
        ["features.n_fft"] = Positive,
        ["features.win_length"] = Positive,
        ["features.hop_length"] = Positive,
        ["features.n_mels"] = Positive,
        ["features.n_mfcc"] = Positive,
        ["features.f_min"] = NonNegative,
        ["features.f_max"] = Positive,
        ["features.clip_seconds"] = Positive,
        ["features.offset_seconds"] = NonNegative,
        ["features.trim_db"] = Positive,
        ["features.augment.time_shift_seconds"] = NonNegative,
        ["features.augment.speed_factors"] = PositiveFactors,
        ["features.augment.vtlp_factors"] = PositiveWarpFactors,
        ["features.augment.freq_masks"] = NonNegative,
        ["features.augment.freq_mask_width"] = NonNegative,
        ["features.augment.time_masks"] = NonNegative,
        ["features.augment.time_mask_width"] = NonNegative,
        ["model.channels"] = PositiveChannels,
        ["model.kernel_size"] = AtLeastOne,
        ["model.dropout"] = Fraction,
        ["model.classifier_width"] = NonNegative,
        ["training.epochs"] = AtLeastOne,
        ["training.batch_size"] = AtLeastOne,
        ["training.learning_rate"] = Positive,
        ["training.momentum"] = Fraction,
        ["training.l1"] = NonNegative,
        ["training.l2"] = NonNegative,
        ["training.step_size"] = AtLeastOne,
        ["training.gamma"] = Positive,
        ["training.label_smoothing"] = Fraction,
        ["training.mixup_alpha"] = NonNegative,
        ["training.patience"] = NonNegative,
        ["training.metric"] = KnownMetric,
        ["training.grad_clip"] = NonNegative,
        ["training.threads"] = AtLeastOne,
    };

    /// <summary>Null when the value is fine for the field, else the rule it breaks.</summary>
    public static Rule? Violation(string path, object? value) =>
        value is not null && Rules.TryGetValue(path, out var rule) && !rule.Holds(value) ? rule : null;

    private static double Number(object value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Number of distinct actors in an actor list such as "1-4,7"; 0 when it is not one.</summary>
    public static int ActorCount(string text) => !IsActorList(text) ? 0 :
        text.Replace(" ", "").Split(',').Select(part => part.Split('-').Select(int.Parse).ToArray())
            .SelectMany(ends => Enumerable.Range(ends[0], ends[^1] - ends[0] + 1)).Distinct().Count();

    private static bool IsActorList(string text) => IsCompactActorList(text.Replace(" ", ""));

    private static bool IsCompactActorList(string text) =>
        ActorListPattern().IsMatch(text)
        && text.Split(',').All(part => part.Split('-').Select(ActorNumber).ToArray() is var ends
                                       && ends.All(a => a is >= 1 and <= 24) && ends[0] <= ends[^1]);

    /// <summary>The digits as a number; one too long for an int is no actor either (not an OverflowException).</summary>
    private static long ActorNumber(string digits) => long.TryParse(digits, out var n) ? n : long.MaxValue;

    [GeneratedRegex(@"^\d+(-\d+)?(,\d+(-\d+)?)*$")]
    private static partial Regex ActorListPattern();
}
