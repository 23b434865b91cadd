using System.Globalization;
using SerSweep.Search.Config;

namespace SerSweep.Search.Strategies;

/// <summary>
/// The parameters of a sweep as strategies see them: each value encoded as one double (a choice's index,
/// or the number itself), sampled uniformly from its prior, and decoded back to the field's type.
/// </summary>
public sealed class SearchSpace
{
    public SearchSpace(IReadOnlyList<ParameterSpec> parameters)
    {
        Parameters = parameters;
        // Conditions name unconditional parameters only, so sampling those first decides every condition.
        SamplingOrder = [.. parameters.Where(p => p.Conditions.Count == 0), .. parameters.Where(p => p.Conditions.Count > 0)];
    }

    /// <summary>File order.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }
    /// <summary>Unconditional parameters first (file order), then conditional ones.</summary>
    public IReadOnlyList<ParameterSpec> SamplingOrder { get; }

    /// <summary>Draws from the prior (uniform, log-uniform, uniform over choices): random search, and TPE before it has data.</summary>
    public static double SamplePrior(ParameterSpec p, SeededRandom random) => p.Kind switch
    {
        ParameterKind.Constant => 0,
        ParameterKind.Choice => random.NextInt(p.Choices.Count),
        ParameterKind.LogUniform => Snap(p, Math.Exp(Math.Log(p.Low) + random.NextDouble() * (Math.Log(p.High) - Math.Log(p.Low)))),
        _ when p.Step > 0 => Snap(p, p.Low + random.NextInt((int)p.GridCount!.Value) * p.Step),
        _ => Snap(p, p.Low + random.NextDouble() * (p.High - p.Low)),
    };

    /// <summary>A number snapped to the parameter's step and type, as the double that encodes it.</summary>
    public static double Snap(ParameterSpec p, double x) => Convert.ToDouble(p.Typed(x), CultureInfo.InvariantCulture);

    public static object? Decode(ParameterSpec p, double encoded) => p.IsCategorical ? p.Choices[(int)encoded] : p.Typed(encoded);

    /// <summary>One value per parameter drawn from the prior; inactive conditional parameters are dropped (their draws still made, so the stream stays aligned).</summary>
    public Dictionary<string, double> SamplePrior(SeededRandom random)
    {
        var encoded = new Dictionary<string, double>();
        foreach (var p in SamplingOrder) encoded[p.Path] = SamplePrior(p, random);
        return DropInactive(encoded);
    }

    /// <summary>
    /// An enqueued trial: its given values (typed, as <see cref="SweepDefinition.Enqueued"/> holds them), the others drawn
    /// from the prior; conditional parameters whose condition does not hold dropped.
    /// </summary>
    public Dictionary<string, double> Complete(IReadOnlyDictionary<string, object?> given, SeededRandom random)
    {
        var encoded = new Dictionary<string, double>();
        foreach (var p in SamplingOrder)
            encoded[p.Path] = !given.TryGetValue(p.Path, out var value) ? SamplePrior(p, random)
                : p.IsCategorical ? p.Choices.Select(ValueTypes.Format).ToList().IndexOf(ValueTypes.Format(value))
                : Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return DropInactive(encoded);
    }

    /// <summary>Removes conditional parameters whose condition does not hold.</summary>
    public Dictionary<string, double> DropInactive(Dictionary<string, double> encoded)
    {
        var decoded = Decode(encoded);
        foreach (var p in SamplingOrder.Where(p => p.Conditions.Count > 0 && !p.IsActive(decoded)))
            encoded.Remove(p.Path);
        return encoded;
    }

    public Dictionary<string, object?> Decode(IReadOnlyDictionary<string, double> encoded)
    {
        var values = new Dictionary<string, object?>();
        foreach (var p in Parameters)
            if (encoded.TryGetValue(p.Path, out var x)) values[p.Path] = Decode(p, x);
        return values;
    }
}
