using SerSweep.Core;
using SerSweep.Search.Strategies;
using SerSweep.Storage;

namespace SerSweep.Cluster.Tests;

public sealed class StoredParametersTests
{
    private static readonly TrialSuggestion Suggestion = new(3, 7, new Dictionary<string, object?>
    {
        ["training.learning_rate"] = 0.00128,
        ["training.epochs"] = 12,
        ["training.optimizer"] = OptimizerKind.RmsProp,
        ["model.channels"] = new[] { 32, 64 },
        ["training.mixup"] = true,
    });

    [Fact]
    public void A_trials_parameters_are_stored_as_numbers_and_yaml_text_byte_for_byte_as_before()
    {
        // What TrialParameters.ToJson wrote before StoredJson became the one writer: numbers as numbers, the rest as YAML text.
        const string expected =
            """{"training.learning_rate":0.00128,"training.epochs":12,"training.optimizer":"rms_prop","model.channels":"[32, 64]","training.mixup":"true"}""";

        Assert.Equal(expected, StoredJson.WriteParameters(Suggestion.ParametersToStore));
    }

    [Fact]
    public void Stored_parameters_read_back_as_numbers_and_text()
    {
        var values = StoredJson.ReadParameterValues(StoredJson.WriteParameters(Suggestion.ParametersToStore));

        Assert.Equal(0.00128, values["training.learning_rate"]);
        Assert.Equal(12.0, values["training.epochs"]);
        Assert.Equal("rms_prop", values["training.optimizer"]);
        Assert.Equal("[32, 64]", values["model.channels"]);
    }
}
