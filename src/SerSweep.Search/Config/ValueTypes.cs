using System.Collections;
using System.Globalization;
using System.Text.Json;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Config;

/// <summary>
/// Converts YAML nodes to the CLR type of a config field and back to text, one set of rules for sweep
/// files, parameter values and <c>--set path=value</c> overrides: integers, numbers, booleans, text,
/// enums as snake_case names (underscores optional: <c>rmsprop</c> = <c>rms_prop</c>), lists, nullables.
/// </summary>
public static class ValueTypes
{
    public static bool IsInteger(Type type) => Underlying(type) is var t && (t == typeof(int) || t == typeof(long));
    public static bool IsReal(Type type) => Underlying(type) == typeof(double);
    public static bool IsNumeric(Type type) => IsInteger(type) || IsReal(type);
    public static bool IsNullable(Type type) => Nullable.GetUnderlyingType(type) is not null;

    public static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>What a value of this type looks like, for messages: "an integer", "one of adam, sgd".</summary>
    public static string Describe(Type type)
    {
        if (ElementType(type) is { } element) return $"a list of {Plural(element)}";
        var t = Underlying(type);
        var text = t == typeof(int) || t == typeof(long) ? "an integer"
            : t == typeof(double) ? "a number"
            : t == typeof(bool) ? "true or false"
            : t.IsEnum ? $"one of {string.Join(", ", EnumNames(t))}"
            : "a text";
        return IsNullable(type) ? $"{text} or null" : text;
    }

    public static IEnumerable<string> EnumNames(Type enumType) =>
        Enum.GetNames(enumType).Select(ConfigSchema.KeyOf);

    /// <summary>Converts a node to <paramref name="type"/>; false (value null) when it does not fit.</summary>
    public static bool TryConvert(YamlNode node, Type type, out object? value)
    {
        value = null;
        if (ElementType(type) is { } element)
        {
            if (node is not YamlSequence sequence) return false;
            var array = Array.CreateInstance(element, sequence.Items.Count);
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                if (!TryConvert(sequence.Items[i], element, out var item)) return false;
                array.SetValue(item, i);
            }
            value = array;
            return true;
        }
        if (node is not YamlScalar scalar) return false;
        if (scalar.IsNull) return IsNullable(type);
        var t = Underlying(type);
        var text = scalar.Value;
        if (t == typeof(string))
        {
            value = text;
            return true;
        }
        if (!scalar.IsPlain) return t.IsEnum && TryParseEnum(t, text, out value);
        if (t == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i32)) value = i32;
        else if (t == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i64)) value = i64;
        else if (t == typeof(double) && TryParseReal(text, out var real)) value = real;
        else if (t == typeof(bool) && text is "true" or "false") value = text == "true";
        else if (t.IsEnum && TryParseEnum(t, text, out var member)) value = member;
        return value is not null;
    }

    /// <summary>Converts an already typed value (int for a double field, string for any field, ...) to <paramref name="type"/>.</summary>
    public static bool TryCoerce(object? input, Type type, out object? value)
    {
        value = null;
        switch (input)
        {
            case null:
                return IsNullable(type) || !type.IsValueType;
            case string text when Underlying(type) != typeof(string) || text.StartsWith('"') || text.StartsWith('\''):
                // Text is read as YAML; plain text for a text field is taken literally (a quoted one is unquoted).
                return YamlText.TryParse(text, out var node) && TryConvert(node, type, out value);
        }
        var t = Underlying(type);
        if (t.IsInstanceOfType(input) && ElementType(type) is null)
        {
            value = input;
            return true;
        }
        if (ElementType(type) is { } element && input is IEnumerable items and not string)
        {
            var list = new List<object?>();
            foreach (var item in items)
            {
                if (!TryCoerce(item, element, out var converted)) return false;
                list.Add(converted);
            }
            var array = Array.CreateInstance(element, list.Count);
            for (var i = 0; i < list.Count; i++) array.SetValue(list[i], i);
            value = array;
            return true;
        }
        if (input is IConvertible && IsNumeric(t) && input is int or long or double or float or decimal)
        {
            var number = Convert.ToDouble(input, CultureInfo.InvariantCulture);
            if (t == typeof(double)) value = number;
            else if (number == Math.Floor(number) && t == typeof(int) && number is >= int.MinValue and <= int.MaxValue) value = (int)number;
            else if (number == Math.Floor(number) && t == typeof(long) && Math.Abs(number) < 9e18) value = (long)number;
        }
        return value is not null;
    }

    /// <summary>The canonical text of a value: what sweep.yaml would say, and what <see cref="TryCoerce"/> reads back.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e"),
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Enum e => ConfigSchema.KeyOf(e.ToString()),
        string s => NeedsQuotes(s) ? JsonSerializer.Serialize(s) : s,
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(Format))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static bool NeedsQuotes(string s) =>
        s.Length == 0 || s.Trim() != s || s.IndexOfAny([':', '#', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`']) >= 0
        || !YamlText.TryParse(s, out var node) || node is not YamlScalar { IsNull: false } scalar || scalar.Value != s
        || s is "true" or "false" || TryParseReal(s, out _);

    private static bool TryParseReal(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool TryParseEnum(Type enumType, string text, out object? value)
    {
        var wanted = Normalize(text);
        var name = Enum.GetNames(enumType).FirstOrDefault(n => Normalize(n) == wanted);
        value = name is null ? null : Enum.Parse(enumType, name);
        return value is not null;
    }

    private static string Normalize(string name) => name.Replace("_", "").Replace("-", "").ToLowerInvariant();

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static string Plural(Type element) =>
        IsInteger(element) ? "integers" : IsReal(element) ? "numbers" : element.IsEnum ? $"{ConfigSchema.KeyOf(element.Name)} names" : "texts";
}
