using System.Reflection;
using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Search.Config;

/// <summary>
/// The shape of the experiment sections of sweep.yaml, reflected from the Core records so that every field
/// they gain is at once settable in the file and searchable as a parameter, with no list to keep in sync.
/// </summary>
public static class ConfigSchema
{
    public static ConfigField Root { get; } = Build();

    /// <summary>Every value (non-section) field, in declaration order.</summary>
    public static IReadOnlyList<ConfigField> Values { get; } = Flatten(Root).Where(f => !f.IsSection && f.Parent is not null).ToArray();

    public static string KeyOf(string propertyName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(propertyName);

    /// <summary>The field at a dotted path ("model.dropout"), or null.</summary>
    public static ConfigField? Find(string path)
    {
        var field = Root;
        foreach (var key in path.Split('.'))
        {
            field = field.Child(key);
            if (field is null) return null;
        }
        return field;
    }

    internal static bool IsRecord(Type type) =>
        type.Namespace == typeof(ExperimentConfig).Namespace && type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static ConfigField Build()
    {
        var root = new ConfigField("", "", null, typeof(ExperimentConfig), null);
        AddChildren(root);
        return root;
    }

    private static void AddChildren(ConfigField field)
    {
        var children = new List<ConfigField>();
        foreach (var property in field.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true }) continue;
            var key = KeyOf(property.Name);
            var child = new ConfigField(key, field.Parent is null && field.Key == "" ? key : $"{field.Path}.{key}", property, property.PropertyType, field);
            if (IsRecord(property.PropertyType)) AddChildren(child);
            children.Add(child);
        }
        field.Children = children;
    }

    private static IEnumerable<ConfigField> Flatten(ConfigField field) =>
        field.Children.SelectMany(Flatten).Prepend(field);
}
