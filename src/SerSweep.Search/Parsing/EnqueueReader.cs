using System.Globalization;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>
/// <c>enqueue:</c>, a list of parameter maps tried first, in order (Optuna's <c>enqueue_trial</c>): each key must be a
/// parameter of the sweep and each value one it can take (one of its values, inside its range, on its step). A parameter
/// an entry leaves out is drawn as random search would draw it.
/// </summary>
internal sealed class EnqueueReader(YamlReader reader)
{
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(YamlNode node, IReadOnlyList<ParameterSpec> parameters, SearchSettings search)
    {
        if (node is YamlScalar { IsNull: true }) return [];
        if (node is not YamlSequence list)
        {
            reader.Error(node, $"enqueue must be a list of parameter maps, got {node.Describe()}",
                "write one '- {training.learning_rate: 0.001, training.optimizer: adam}' line per trial under 'enqueue:'");
            return [];
        }
        if (search.Method == SearchMethod.Grid)
        {
            reader.Error(node, "enqueue needs method random or tpe", "a grid already tries every combination: drop enqueue, or use method: random or tpe");
            return [];
        }
        if (search.MaxTrials is { } max && list.Items.Count > max)
            reader.Error(node, $"enqueue lists {list.Items.Count} trials, more than search.max_trials ({max})", "enqueued trials count toward max_trials: raise it or enqueue fewer");
        var byPath = parameters.ToDictionary(p => p.Path);
        var trials = new List<IReadOnlyDictionary<string, object?>>(list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var where = $"enqueue[{i}]";
            if (!reader.ExpectMapping(list.Items[i], where, out var mapping)) continue;
            var values = new Dictionary<string, object?>();
            foreach (var (key, value) in mapping.Entries)
            {
                if (byPath.TryGetValue(key.Value, out var parameter))
                {
                    if (TryRead(parameter, value, $"{where}.{key.Value}", out var typed)) values[parameter.Path] = typed;
                }
                else
                    reader.Error(key, $"{where}: '{key.Value}' is not a parameter of this sweep",
                        DidYouMean.Closest(key.Value, byPath.Keys) is { } closest ? $"did you mean '{closest}'?" : "enqueue sets the parameters listed under 'parameters:'");
            }
            trials.Add(values);
        }
        return trials;
    }

    private bool TryRead(ParameterSpec p, YamlNode node, string path, out object? typed)
    {
        typed = null;
        if (p.IsCategorical)
        {
            if (!reader.TryRead(node, path, p.ValueType, out var value)) return false;
            var text = ValueTypes.Format(value);
            var index = p.Choices.Select(ValueTypes.Format).ToList().IndexOf(text);
            if (index < 0)
            {
                reader.Error(node, $"{path}: {text} is not one of its values", $"write one of: {string.Join(", ", p.Choices.Select(ValueTypes.Format))}");
                return false;
            }
            typed = p.Choices[index];
            return true;
        }
        if (!reader.TryRead(node, path, typeof(double), out var number)) return false;
        var x = (double)number!;
        var range = $"[{Format(p.Low)}, {Format(p.High)}]";
        if (x < p.Low || x > p.High)
        {
            reader.Error(node, $"{path}: {Format(x)} is outside its range {range}", $"write a value from {Format(p.Low)} to {Format(p.Top)}");
            return false;
        }
        typed = p.Typed(x);
        var snapped = Convert.ToDouble(typed, CultureInfo.InvariantCulture);
        if (Math.Abs(snapped - x) > 1e-9 * Math.Max(1, Math.Abs(x)))
        {
            reader.Error(node, $"{path}: {Format(x)} is not on its step of {Format(p.Step)} from {Format(p.Low)}", $"the nearest value it takes is {Format(snapped)}");
            return false;
        }
        return true;
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
