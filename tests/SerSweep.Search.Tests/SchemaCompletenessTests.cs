using System.Text;
using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Parsing;

namespace SerSweep.Search.Tests;

/// <summary>Every field of the Core records is settable in sweep.yaml and searchable as a parameter, by reflection, with no list to maintain.</summary>
public class SchemaCompletenessTests
{
    // A value different from the default for each kind of field, valid under the field's rules.
    private static object? Changed(ConfigField field, object? value) => value switch
    {
        _ when field.Path == "data.actors" => "2-3",
        _ when field.Path is "data.split.test_actors" or "data.split.val_actors" => "4",
        _ when field.Path == "training.metric" => Metrics.ValLoss,
        _ when field.Path == "features.f_max" => 7000.0,
        _ when field.Path == "features.augment.noise_snr_db" => 20.0,
        bool b => !b,
        int i => i + 1,
        double d => d is > 0 and < 1 ? d / 2 : d + 0.5,
        Enum e => Enum.GetValues(e.GetType()).Cast<object>().First(v => !v.Equals(e)),
        string s => s + "-x",
        IReadOnlyList<Emotion> => new[] { Emotion.Angry, Emotion.Sad },
        IReadOnlyList<int> => new[] { 8, 16 },
        IReadOnlyList<double> => new[] { 0.9, 1.1 },
        _ => throw new InvalidOperationException($"no test value for {field.Path} ({field.Type})"),
    };

    [Fact]
    public void Every_field_can_be_set_in_its_section()
    {
        var defaults = new ExperimentConfig();
        foreach (var field in ConfigSchema.Values)
        {
            var value = Changed(field, ConfigPaths.Get(defaults, field.Path));
            var text = new StringBuilder("search: {method: random, max_trials: 1}\n");
            var keys = field.Path.Split('.');
            for (var depth = 0; depth < keys.Length; depth++)
                text.Append(new string(' ', 2 * depth)).Append(keys[depth]).Append(':').Append(depth == keys.Length - 1 ? $" {ValueTypes.Format(value)}\n" : "\n");

            var result = SweepFile.Parse(text.ToString(), "field.yaml");

            Assert.True(result.IsValid, $"{field.Path}: {string.Join("; ", result.Errors)}\n{text}");
            Assert.Equal(ValueTypes.Format(value), ValueTypes.Format(ConfigPaths.Get(result.Definition!.Base, field.Path)));
        }
    }

    [Fact]
    public void Every_field_can_be_a_search_axis()
    {
        var defaults = new ExperimentConfig();
        foreach (var field in ConfigSchema.Values)
        {
            var original = ConfigPaths.Get(defaults, field.Path);
            var changed = Changed(field, original);
            var yaml = $"search: {{method: grid}}\nparameters:\n  {field.Path}:\n    values: [{ValueTypes.Format(original)}, {ValueTypes.Format(changed)}]\n";

            var sweep = SweepFile.Parse(yaml, "axis.yaml").GetDefinitionOrThrow();
            var trials = Sweeps.AskAll(sweep).Select(t => ValueTypes.Format(ConfigPaths.Get(sweep.ConfigFor(t), field.Path))).ToList();

            Assert.Equal([ValueTypes.Format(original), ValueTypes.Format(changed)], trials);
        }
    }
}
