using SerSweep.Search.Parsing;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Tests;

public sealed class YamlKeyPathTests
{
    private const string Yaml = """
        name: demo
        training:
          epochs: 3
          learning_rate: fast
        search:
          method: random
          max_trails: 4
        parameters:
          model.dropout:
            values: [0.1, 0.2]
        """;

    [Theory]
    [InlineData(1, 1, "name")]
    [InlineData(4, 18, "training.learning_rate")]
    [InlineData(7, 3, "search.max_trails")]
    [InlineData(10, 16, "parameters.model.dropout.values")]
    public void Names_the_key_at_or_before_a_position(int line, int column, string expected) =>
        Assert.Equal(expected, YamlKeyPath.At(Yaml, new SourcePosition(line, column)));

    [Fact]
    public void Every_error_of_a_broken_file_names_its_field()
    {
        var errors = SweepFile.Parse(Yaml, "sweep.yaml").Errors;
        // "search.max_trials is required" is reported at the search section, whose first key is method: the message names the field.
        Assert.Equal(["training.learning_rate", "search.max_trials", "search.max_trails"], errors.Select(e => YamlKeyPath.Of(e, Yaml)));
    }

    [Fact]
    public void Text_that_does_not_load_has_no_key() => Assert.Equal("", YamlKeyPath.At("a: [1, 2", new SourcePosition(1, 9)));
}
