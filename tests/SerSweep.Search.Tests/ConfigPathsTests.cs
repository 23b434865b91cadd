using SerSweep.Core;
using SerSweep.Search.Config;

namespace SerSweep.Search.Tests;

public class ConfigPathsTests
{
    private static readonly ExperimentConfig Base = new();

    [Fact]
    public void Typed_values_are_set_at_their_dotted_paths_and_the_base_is_unchanged()
    {
        var config = Base.ApplyParameters(new Dictionary<string, object?>
        {
            ["training.optimizer"] = OptimizerKind.Sgd,
            ["training.learning_rate"] = 0.01,
            ["model.dropout"] = 0.5,
            ["data.split.seed"] = 99,
        });

        Assert.Equal(OptimizerKind.Sgd, config.Training.Optimizer);
        Assert.Equal(0.01, config.Training.LearningRate);
        Assert.Equal(0.5, config.Model.Dropout);
        Assert.Equal(99, config.Data.Split.Seed);
        Assert.Equal(OptimizerKind.Adam, Base.Training.Optimizer);
        Assert.Equal(1234, Base.Data.Split.Seed);
        Assert.Equal(Base.Features, config.Features);
    }

    [Fact]
    public void Text_values_are_read_as_yaml_so_overrides_and_stored_parameters_round_trip()
    {
        var config = Base.ApplyOverrides(["training.optimizer=rmsprop", "model.channels=[8, 16]", "features.kind=log_mel",
            "training.l2 = 1e-4", "features.f_max=null", "data.actors=1,3,5-8", "training.epochs=5"]);

        Assert.Equal(OptimizerKind.RmsProp, config.Training.Optimizer);
        Assert.Equal([8, 16], config.Model.Channels);
        Assert.Equal(FeatureKind.LogMel, config.Features.Kind);
        Assert.Equal(1e-4, config.Training.L2);
        Assert.Null(config.Features.FMax);
        Assert.Equal("1,3,5-8", config.Data.Actors);
        Assert.Equal(5, config.Training.Epochs);
    }

    [Fact]
    public void An_int_is_accepted_for_a_number_field_but_a_fraction_is_refused_for_an_integer_field()
    {
        Assert.Equal(1.0, Base.ApplyParameters(new Dictionary<string, object?> { ["training.learning_rate"] = 1 }).Training.LearningRate);

        var error = Assert.Throws<ArgumentException>(() => Base.ApplyParameters(new Dictionary<string, object?> { ["training.batch_size"] = 3.5 }));
        Assert.StartsWith("training.batch_size: expected an integer, got '3.5'", error.Message);
    }

    [Fact]
    public void Unknown_paths_say_what_was_probably_meant()
    {
        var error = Assert.Throws<ArgumentException>(() => Base.ApplyOverrides(["training.learning_rte=0.1"]));

        Assert.Equal("unknown config path 'training.learning_rte': did you mean 'training.learning_rate'?", error.Message);
    }

    [Fact]
    public void A_section_is_not_a_value_and_an_override_needs_an_equals_sign()
    {
        Assert.Contains("'training' is a section", Assert.Throws<ArgumentException>(() => Base.ApplyOverrides(["training=1"])).Message);
        Assert.Contains("write path=value", Assert.Throws<ArgumentException>(() => Base.ApplyOverrides(["training.epochs"])).Message);
    }

    [Fact]
    public void Every_value_field_of_the_core_records_is_addressable_and_formats_back_to_text_that_reads_the_same()
    {
        var values = ConfigSchema.Values;
        Assert.Contains(values, f => f.Path == "features.augment.speed_factors");
        Assert.Contains(values, f => f.Path == "data.split.val_actors");
        Assert.DoesNotContain(values, f => f.Path is "data" or "features.augment");
        foreach (var field in values)
        {
            var value = ConfigPaths.Get(Base, field.Path);
            var text = ValueTypes.Format(value);
            var again = Base.ApplyParameters(new Dictionary<string, object?> { [field.Path] = text });
            Assert.Equal(text, ValueTypes.Format(ConfigPaths.Get(again, field.Path)));
        }
    }

    [Theory]
    [InlineData(OptimizerKind.RmsProp, "rms_prop")]
    [InlineData(FeatureKind.LogMel, "log_mel")]
    [InlineData(SplitPolicy.ActorKFold, "actor_k_fold")]
    [InlineData(Architecture.Cnn2d, "cnn2d")]
    public void Enums_are_written_in_snake_case(object value, string text) => Assert.Equal(text, ValueTypes.Format(value));
}
