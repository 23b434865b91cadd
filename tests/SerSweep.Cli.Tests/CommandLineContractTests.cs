namespace SerSweep.Cli.Tests;

/// <summary>The verbs, help and exit codes are a contract with scripts.</summary>
public class CommandLineContractTests
{
    [Fact]
    public async Task Help_lists_every_verb()
    {
        var run = await CliProcess.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in SersweepCli.Build().Subcommands.Select(c => c.Name))
            Assert.Contains(verb, run.Stdout);
        Assert.Contains("doctor", run.Stdout);
    }

    [Fact]
    public async Task Every_verb_has_help()
    {
        foreach (var verb in SersweepCli.Build().Subcommands.Select(c => c.Name))
        {
            var run = await CliProcess.RunAsync(verb, "--help");
            Assert.True(run.ExitCode == 0, $"{verb} --help exited {run.ExitCode}: {run.Stderr}");
            Assert.Contains("Usage:", run.Stdout);
        }
    }

    [Fact]
    public async Task Unknown_verb_is_bad_input_with_exit_code_2()
    {
        var run = await CliProcess.RunAsync("no-such-verb");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no-such-verb", run.Stderr);
    }

    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var run = await CliProcess.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(typeof(SersweepCli).Assembly.GetName().Version!.ToString(3), run.Stdout.Trim().Split('+')[0]);
    }
}
