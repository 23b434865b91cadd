using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search;

public enum ParameterKind
{
    /// <summary><c>value: x</c>: always x.</summary>
    Constant,
    /// <summary><c>values: [a, b, c]</c>: one of the list (a categorical, or a grid axis).</summary>
    Choice,
    /// <summary><c>uniform: [low, high]</c>, optionally quantized by <c>q</c>.</summary>
    Uniform,
    /// <summary><c>loguniform: [low, high]</c>: uniform in log space, 0 &lt; low &lt; high.</summary>
    LogUniform,
    /// <summary><c>int_uniform: [low, high]</c>: integers low..high inclusive, step <c>q</c> (default 1).</summary>
    IntUniform,
}

/// <summary>One axis of the search space: which config field, which values, and when it applies.</summary>
public sealed record ParameterSpec
{
    /// <summary>Dotted path of the config field ("training.learning_rate").</summary>
    public required string Path { get; init; }
    public required ParameterKind Kind { get; init; }
    /// <summary>CLR type of the field; every value this parameter yields has this type.</summary>
    public required Type ValueType { get; init; }
    /// <summary>The values of a <see cref="ParameterKind.Choice"/> (or the one of a <see cref="ParameterKind.Constant"/>), typed.</summary>
    public IReadOnlyList<object?> Choices { get; init; } = [];
    public double Low { get; init; }
    public double High { get; init; }
    /// <summary>Quantization step of a uniform or int_uniform range; null = continuous (uniform) or 1 (int_uniform).</summary>
    public double? Q { get; init; }
    /// <summary>The parameter applies only when every condition holds; otherwise the base value stays.</summary>
    public IReadOnlyList<ParameterCondition> Conditions { get; init; } = [];
    public SourcePosition Position { get; init; }

    /// <summary>The sweep.yaml key of the distribution: value, values, uniform, loguniform or int_uniform.</summary>
    public string Keyword => Kind switch
    {
        ParameterKind.Constant => "value",
        ParameterKind.Choice => "values",
        ParameterKind.LogUniform => "loguniform",
        ParameterKind.IntUniform => "int_uniform",
        _ => "uniform",
    };

    public bool IsCategorical => Kind is ParameterKind.Choice or ParameterKind.Constant;

    /// <summary>The largest value the range yields: <see cref="High"/>, or the last step at or below it.</summary>
    public double Top => Step > 0 ? Low + (GridCount!.Value - 1) * Step : High;

    /// <summary>Quantization step of a numeric range, 0 for continuous.</summary>
    public double Step => Kind == ParameterKind.IntUniform ? Q ?? 1 : Q ?? 0;

    /// <summary>How many distinct values a grid takes from this parameter; null when the range is continuous.</summary>
    public long? GridCount => Kind switch
    {
        ParameterKind.Constant or ParameterKind.Choice => Choices.Count,
        ParameterKind.IntUniform or ParameterKind.Uniform when Step > 0 => (long)Math.Floor((High - Low) / Step + 1e-9) + 1,
        _ => null,
    };

    /// <summary>The i-th grid value (ascending for ranges, file order for choices).</summary>
    public object? GridValue(long index) => IsCategorical ? Choices[(int)index] : Typed(Low + index * Step);

    public bool IsActive(IReadOnlyDictionary<string, object?> assigned) =>
        Conditions.All(c => assigned.TryGetValue(c.Path, out var value) && c.Values.Any(v => Equals(v, value)));

    /// <summary>A numeric sample snapped to the range's step and typed like the field.</summary>
    public object Typed(double x)
    {
        if (Step > 0)
        {
            x = Low + Math.Clamp(Math.Round((x - Low) / Step), 0, GridCount!.Value - 1) * Step;
            // Keep the step's decimals only, so that 0.1 + 2 * 0.05 reads 0.2, not 0.20000000000000004.
            x = Math.Round(x, Math.Clamp((int)Math.Ceiling(-Math.Log10(Step)) + 3, 0, 15));
        }
        x = Math.Clamp(x, Low, High);
        if (!ValueTypes.IsInteger(ValueType)) return x;
        return ValueTypes.TryCoerce(Math.Round(x), ValueType, out var integer) ? integer! : throw new InvalidOperationException($"{Path}: {x} is not an integer");
    }
}

/// <summary><c>when: {training.optimizer: sgd}</c>: the parameter applies when that parameter takes one of <see cref="Values"/>.</summary>
public sealed record ParameterCondition(string Path, IReadOnlyList<object?> Values);
