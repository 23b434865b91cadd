using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>Reads a data/features/model/training section onto its Core record, field by field, via <see cref="ConfigSchema"/>.</summary>
internal static class ConfigSectionReader
{
    /// <summary>A copy of <paramref name="record"/> with every valid key of the mapping set; errors for the rest.</summary>
    public static object Read(YamlReader reader, YamlNode node, ConfigField section, object record)
    {
        if (!reader.ExpectMapping(node, section.Path, out var mapping)) return record;
        foreach (var (key, value) in mapping.Entries)
        {
            var field = section.Child(key.Value);
            if (field is null)
            {
                reader.UnknownKey(key, section.Path, section.Children.Select(c => c.Key));
                continue;
            }
            if (field.IsSection)
            {
                record = SetOwn(record, field, Read(reader, value, field, field.Property!.GetValue(record)!));
                continue;
            }
            if (!reader.TryRead(value, field.Path, field.Type, out var converted)) continue;
            if (ValueRules.Violation(field.Path, converted) is { } rule)
            {
                reader.Error(value, $"{field.Path} must be {rule.Requirement}, got {value.Describe()}", rule.Hint);
                continue;
            }
            record = SetOwn(record, field, converted);
        }
        return record;
    }

    private static object SetOwn(object record, ConfigField field, object? value)
    {
        var copy = record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
        field.Property!.SetValue(copy, value);
        return copy;
    }
}
