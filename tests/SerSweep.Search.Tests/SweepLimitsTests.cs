using System.Text;
using SerSweep.Search.Parsing;
using SerSweep.Testing;

namespace SerSweep.Search.Tests;

/// <summary>Files that would hurt the cluster are refused before any work is done.</summary>
public class SweepLimitsTests
{
    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "huge.yaml");
        File.WriteAllText(path, "search: {method: random, max_trials: 4}\n" + new string('#', 2 << 20));

        var result = SweepFile.Load(path);

        var error = Assert.Single(result.Errors);
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Equal($"the file is {new FileInfo(path).Length} bytes, more than the limit of {1 << 20} bytes", error.Message);
    }

    [Fact]
    public void The_limits_are_configurable()
    {
        var text = "search: {method: random, max_trials: 4}\nname: a-rather-long-name\n";
        var strict = new SweepLimits { MaxFileBytes = Encoding.UTF8.GetByteCount(text) - 1 };

        Assert.True(SweepFile.Parse(text, "ok.yaml").IsValid);
        Assert.StartsWith("the file is", Assert.Single(SweepFile.Parse(text, "ok.yaml", strict).Errors).Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_with_its_position_instead_of_overflowing_the_stack()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);

        var error = Assert.Single(SweepFile.Parse(text, "deep.yaml").Errors);

        Assert.Equal((1, 33), (error.Line, error.Column));
        Assert.Equal("nesting deeper than 32 levels", error.Message);
    }

    [Fact]
    public void Aliases_are_fine_while_their_expansion_stays_small()
    {
        var text = """
            search: {method: random, max_trials: 4}
            parameters:
              training.learning_rate: &lr {loguniform: [1.0e-4, 1.0e-2]}
              training.l2: *lr
            """;

        var sweep = SweepFile.Parse(text, "aliases.yaml").GetDefinitionOrThrow();

        Assert.Equal(sweep.Parameters[0] with { Path = "", Position = default }, sweep.Parameters[1] with { Path = "", Position = default });
    }

    [Fact]
    public void A_grid_over_the_limit_is_refused_without_enumerating_it()
    {
        // 10^12 combinations: enumerating them would never finish, so a quick answer proves nothing was enumerated.
        var text = "search: {method: grid}\nparameters:\n" + string.Concat(Enumerable.Range(0, 6).Select(i =>
            $"  {new[] { "training.batch_size", "training.epochs", "model.kernel_size", "model.classifier_width", "features.n_mels", "features.hop_length" }[i]}: {{int_uniform: [1, 100]}}\n"));

        var error = Assert.Single(SweepFile.Parse(text, "grid.yaml").Errors);

        Assert.Equal("the grid has 1000000000000 combinations, more than the limit of 10000", error.Message);
    }
}
