using System.Reflection;

namespace SerSweep.Search.Config;

/// <summary>
/// One property of <see cref="SerSweep.Core.ExperimentConfig"/> or of a record inside it, addressed by its
/// dotted snake_case path ("training.learning_rate"). Sections are records; every other field is a value.
/// </summary>
public sealed class ConfigField
{
    internal ConfigField(string key, string path, PropertyInfo? property, Type type, ConfigField? parent)
    {
        Key = key;
        Path = path;
        Property = property;
        Type = type;
        Parent = parent;
    }

    public string Key { get; }
    public string Path { get; }
    public Type Type { get; }
    public ConfigField? Parent { get; }
    public IReadOnlyList<ConfigField> Children { get; internal set; } = [];
    public bool IsSection => Children.Count > 0;
    internal PropertyInfo? Property { get; }

    public ConfigField? Child(string key) => Children.FirstOrDefault(c => c.Key == key);
}
