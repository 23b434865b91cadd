using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>
/// Reads the <c>parameters</c> section: each key a dotted config path, each value one distribution
/// (value, values, uniform, loguniform, int_uniform) with an optional q step and an optional <c>when</c> condition.
/// </summary>
internal sealed class ParameterReader(YamlReader reader)
{
    private static readonly string[] Distributions = ["value", "values", "uniform", "loguniform", "int_uniform"];
    private static readonly string[] SpecKeys = [.. Distributions, "q", "when"];

    public IReadOnlyList<ParameterSpec> Read(YamlNode node)
    {
        var specs = new List<ParameterSpec>();
        var conditionNodes = new Dictionary<ParameterSpec, YamlMapping>(ReferenceEqualityComparer.Instance);
        if (!reader.ExpectMapping(node, "parameters", out var mapping)) return specs;
        foreach (var (key, value) in mapping.Entries)
        {
            var field = ResolveField(key);
            if (field is null) continue;
            var (spec, when) = ReadSpec(key, field, value);
            if (spec is null) continue;
            specs.Add(spec);
            if (when is not null) conditionNodes[spec] = when;
        }
        return ResolveConditions(specs, conditionNodes);
    }

    private ConfigField? ResolveField(YamlScalar key)
    {
        var field = ConfigSchema.Find(key.Value);
        if (field is null)
        {
            var closest = DidYouMean.Closest(key.Value, ConfigSchema.Values.Select(v => v.Path));
            reader.Error(key, $"parameters: unknown config path '{key.Value}'",
                closest is not null ? $"did you mean '{closest}'?" : "a parameter is a dotted path of a config field, e.g. training.learning_rate");
            return null;
        }
        if (!field.IsSection) return field;
        reader.Error(key, $"parameters: '{key.Value}' is a section, not a value", $"name one of its fields, e.g. '{field.Children[0].Path}'");
        return null;
    }

    private (ParameterSpec? Spec, YamlMapping? When) ReadSpec(YamlScalar key, ConfigField field, YamlNode node)
    {
        var path = field.Path;
        if (!reader.ExpectMapping(node, path, out var spec)) return (null, null);
        YamlNode? qNode = null;
        YamlMapping? when = null;
        var kinds = new List<(YamlScalar Key, YamlNode Value)>();
        foreach (var (specKey, value) in spec.Entries)
        {
            switch (specKey.Value)
            {
                case "q": qNode = value; break;
                case "when":
                    if (reader.ExpectMapping(value, $"{path}.when", out var condition)) when = condition;
                    break;
                case var k when Distributions.Contains(k): kinds.Add((specKey, value)); break;
                default: reader.UnknownKey(specKey, $"parameter {path}", SpecKeys); break;
            }
        }
        if (kinds.Count != 1)
        {
            reader.Error(kinds.Count == 0 ? key : kinds[1].Key,
                kinds.Count == 0 ? $"{path}: no distribution given" : $"{path}: more than one distribution ({string.Join(", ", kinds.Select(k => k.Key.Value))})",
                "give exactly one of value, values, uniform, loguniform, int_uniform");
            return (null, null);
        }
        var (kindKey, body) = kinds[0];
        var parameter = kindKey.Value switch
        {
            "value" => ReadConstant(field, body),
            "values" => ReadChoices(field, body),
            _ => ReadRange(field, kindKey.Value, body, qNode),
        };
        if (qNode is not null && kindKey.Value is "value" or "values" or "loguniform")
        {
            reader.Error(qNode, $"{path}: q applies to uniform and int_uniform only", kindKey.Value == "loguniform"
                ? "a log scale has no fixed step: drop q, or use uniform with q" : "list the exact values instead, and drop q");
            return (null, null);
        }
        return parameter is null ? (null, null) : (parameter with { Position = key.Position }, when);
    }

    private ParameterSpec? ReadConstant(ConfigField field, YamlNode body)
    {
        if (!reader.TryRead(body, field.Path, field.Type, out var value) || !InRange(field, body, value)) return null;
        return new ParameterSpec { Path = field.Path, Kind = ParameterKind.Constant, ValueType = field.Type, Choices = [value] };
    }

    private ParameterSpec? ReadChoices(ConfigField field, YamlNode body)
    {
        if (body is not YamlSequence { Items.Count: > 0 } sequence)
        {
            reader.Error(body, $"{field.Path}: values must be a non-empty list, got {(body is YamlSequence ? "an empty list" : body.Describe())}",
                "write the choices in brackets, e.g. values: [16, 32, 64]");
            return null;
        }
        var choices = new List<object?>();
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (!reader.TryRead(item, field.Path, field.Type, out var value) || !InRange(field, item, value))
            {
                ok = false;
                continue;
            }
            if (choices.Any(c => ValueTypes.Format(c) == ValueTypes.Format(value)))
            {
                reader.Error(item, $"{field.Path}: value {ValueTypes.Format(value)} is listed twice", "list each value once");
                ok = false;
                continue;
            }
            choices.Add(value);
        }
        return ok ? new ParameterSpec { Path = field.Path, Kind = ParameterKind.Choice, ValueType = field.Type, Choices = choices } : null;
    }

    private ParameterSpec? ReadRange(ConfigField field, string kind, YamlNode body, YamlNode? qNode)
    {
        var path = field.Path;
        if (!ValueTypes.IsNumeric(field.Type))
        {
            reader.Error(body, $"{path}: {kind} needs a numeric field, but {path} is {ValueTypes.Describe(field.Type)}", "list the choices with values: [...]");
            return null;
        }
        if (kind != "int_uniform" && ValueTypes.IsInteger(field.Type))
        {
            reader.Error(body, $"{path}: {kind} gives fractions, but {path} is an integer", "use int_uniform: [low, high], or values: [...]");
            return null;
        }
        var integer = kind == "int_uniform";
        if (body is not YamlSequence { Items.Count: 2 } bounds)
        {
            reader.Error(body, $"{path}: {kind} needs [low, high], got {(body is YamlSequence s ? $"a list of {s.Items.Count}" : body.Describe())}",
                integer ? "write e.g. int_uniform: [16, 128]" : "write e.g. uniform: [0.1, 0.5]");
            return null;
        }
        var boundType = integer ? typeof(long) : typeof(double);
        if (!reader.TryRead(bounds.Items[0], $"{path} low", boundType, out var lowValue) | !reader.TryRead(bounds.Items[1], $"{path} high", boundType, out var highValue))
            return null;
        double low = Convert.ToDouble(lowValue), high = Convert.ToDouble(highValue);
        if (low >= high)
        {
            reader.Error(body, $"{path}: {(low == high ? "empty" : "inverted")} range [{ValueTypes.Format(lowValue)}, {ValueTypes.Format(highValue)}]",
                low == high ? $"for a constant write value: {ValueTypes.Format(lowValue)}" : "write the lower bound first");
            return null;
        }
        if (kind == "loguniform" && low <= 0)
        {
            reader.Error(bounds.Items[0], $"{path}: loguniform needs low > 0, got {ValueTypes.Format(lowValue)}",
                "a log scale cannot reach 0 or below: start at a small positive value such as 1e-6, or use uniform");
            return null;
        }
        if (!InRange(field, bounds.Items[0], ValueTypes.TryCoerce(low, field.Type, out var l) ? l : low)
            | !InRange(field, bounds.Items[1], ValueTypes.TryCoerce(high, field.Type, out var h) ? h : high))
            return null;
        double? q = null;
        if (qNode is not null && kind is "uniform" or "int_uniform")
        {
            if (!reader.TryRead(qNode, $"{path} q", boundType, out var qValue)) return null;
            q = Convert.ToDouble(qValue);
            if (q <= 0 || q > high - low)
            {
                reader.Error(qNode, $"{path}: q must be in (0, {ValueTypes.Format(high - low)}], got {ValueTypes.Format(qValue)}",
                    "q is the step between values: positive and no wider than the range");
                return null;
            }
        }
        var parameterKind = kind switch { "uniform" => ParameterKind.Uniform, "loguniform" => ParameterKind.LogUniform, _ => ParameterKind.IntUniform };
        return new ParameterSpec { Path = path, Kind = parameterKind, ValueType = field.Type, Low = low, High = high, Q = q };
    }

    private bool InRange(ConfigField field, YamlNode node, object? value)
    {
        if (ValueRules.Violation(field.Path, value) is not { } rule) return true;
        reader.Error(node, $"{field.Path} must be {rule.Requirement}, got {node.Describe()}", $"every value a parameter takes must be valid: {rule.Hint}");
        return false;
    }

    private List<ParameterSpec> ResolveConditions(List<ParameterSpec> specs, Dictionary<ParameterSpec, YamlMapping> conditionNodes)
    {
        var byPath = specs.ToDictionary(s => s.Path);
        var resolved = new List<ParameterSpec>();
        foreach (var spec in specs)
        {
            if (!conditionNodes.TryGetValue(spec, out var when))
            {
                resolved.Add(spec);
                continue;
            }
            var conditions = new List<ParameterCondition>();
            foreach (var (key, value) in when.Entries)
                if (ReadCondition(spec, key, value, byPath, conditionNodes) is { } condition) conditions.Add(condition);
            if (conditions.Count == when.Entries.Count) resolved.Add(spec with { Conditions = conditions });
        }
        return resolved;
    }

    private ParameterCondition? ReadCondition(ParameterSpec spec, YamlScalar key, YamlNode value, Dictionary<string, ParameterSpec> byPath,
        Dictionary<ParameterSpec, YamlMapping> conditionNodes)
    {
        if (!byPath.TryGetValue(key.Value, out var parent))
        {
            var closest = DidYouMean.Closest(key.Value, byPath.Keys);
            reader.Error(key, $"{spec.Path}: condition on '{key.Value}', which is not a parameter",
                closest is not null ? $"did you mean '{closest}'?" : "a condition must name another entry of parameters");
            return null;
        }
        if (ReferenceEquals(parent, spec) || conditionNodes.ContainsKey(parent))
        {
            reader.Error(key, $"{spec.Path}: condition on '{key.Value}', which is {(ReferenceEquals(parent, spec) ? "the parameter itself" : "conditional too")}",
                "conditions may only name unconditional parameters, so that no chain or cycle of conditions can form");
            return null;
        }
        if (!parent.IsCategorical)
        {
            reader.Error(key, $"{spec.Path}: condition on '{key.Value}', which is a continuous range",
                "conditions need a parameter with values: [...]");
            return null;
        }
        var items = value is YamlSequence sequence ? sequence.Items : [value];
        var values = new List<object?>();
        foreach (var item in items)
        {
            if (!reader.TryRead(item, key.Value, parent.ValueType, out var converted)) return null;
            if (!parent.Choices.Any(c => ValueTypes.Format(c) == ValueTypes.Format(converted)))
            {
                reader.Error(item, $"{spec.Path}: condition value {ValueTypes.Format(converted)} is not among the values of {parent.Path}",
                    $"use one of: {string.Join(", ", parent.Choices.Select(ValueTypes.Format))}");
                return null;
            }
            values.Add(converted);
        }
        return new ParameterCondition(parent.Path, values);
    }
}
