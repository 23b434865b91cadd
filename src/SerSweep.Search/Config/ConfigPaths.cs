using SerSweep.Core;

namespace SerSweep.Search.Config;

/// <summary>Reads and sets <see cref="ExperimentConfig"/> fields by dotted path, returning new records (the input is never changed).</summary>
public static class ConfigPaths
{
    /// <summary>
    /// The base config with each value set at its dotted path. Values may be typed (an <see cref="OptimizerKind"/>,
    /// an int for a double field) or text as in YAML ("rmsprop", "1e-3", "[32, 64]"), so that both suggestions
    /// and <c>--set training.optimizer=sgd</c> overrides go through here.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown path, a section path, or a value that does not fit the field.</exception>
    public static ExperimentConfig ApplyParameters(this ExperimentConfig config, IReadOnlyDictionary<string, object?> parameters)
    {
        foreach (var (path, value) in parameters)
        {
            var field = Resolve(path);
            if (!ValueTypes.TryCoerce(value, field.Type, out var converted))
                throw new ArgumentException($"{path}: expected {ValueTypes.Describe(field.Type)}, got '{ValueTypes.Format(value)}'", nameof(parameters));
            config = (ExperimentConfig)Set(config, field, converted);
        }
        return config;
    }

    /// <summary>Parses "path=value" overrides (as given to <c>--set</c>) and applies them in order.</summary>
    public static ExperimentConfig ApplyOverrides(this ExperimentConfig config, IEnumerable<string> assignments)
    {
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw new ArgumentException($"'{assignment}' is not an override: write path=value, e.g. training.optimizer=sgd", nameof(assignments));
            config = config.ApplyParameters(new Dictionary<string, object?> { [assignment[..equals].Trim()] = assignment[(equals + 1)..].Trim() });
        }
        return config;
    }

    /// <summary>The value at a dotted path.</summary>
    public static object? Get(ExperimentConfig config, string path)
    {
        object? value = config;
        foreach (var step in Chain(Resolve(path, allowSection: true))) value = step.Property!.GetValue(value);
        return value;
    }

    /// <summary>The value field at a dotted path, or an <see cref="ArgumentException"/> saying what was meant.</summary>
    public static ConfigField Resolve(string path, bool allowSection = false)
    {
        var field = ConfigSchema.Find(path);
        if (field is null)
        {
            var suggestion = DidYouMean.Closest(path, ConfigSchema.Values.Select(v => v.Path));
            throw new ArgumentException($"unknown config path '{path}'{(suggestion is null ? "" : $": did you mean '{suggestion}'?")}");
        }
        if (field.IsSection && !allowSection)
            throw new ArgumentException($"'{path}' is a section, not a value: name one of its fields, e.g. '{field.Children[0].Path}'");
        return field;
    }

    private static List<ConfigField> Chain(ConfigField field)
    {
        var chain = new List<ConfigField>();
        for (var f = field; f.Parent is not null; f = f.Parent) chain.Insert(0, f);
        return chain;
    }

    /// <summary>A copy of <paramref name="record"/> (the root config or the section owning the field's parent chain) with the field set.</summary>
    internal static object Set(object record, ConfigField field, object? value) => SetAt(record, Chain(field), 0, value);

    // Records are immutable: clone each record on the path (what `with` does) and set the one property.
    private static object SetAt(object record, List<ConfigField> chain, int depth, object? value)
    {
        var step = chain[depth];
        var newValue = depth == chain.Count - 1 ? value : SetAt(step.Property!.GetValue(record)!, chain, depth + 1, value);
        var copy = record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
        step.Property!.SetValue(copy, newValue);
        return copy;
    }
}
