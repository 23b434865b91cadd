using System.CommandLine;
using SerSweep.Cli.Commands;

namespace SerSweep.Cli;

/// <summary>The `sersweep` command line: one verb per file under Commands/.</summary>
public static class SersweepCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SerSweep: hyperparameter sweeps of CNNs for speech emotion recognition on an Orleans cluster.");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(FeaturesCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("Run 'sersweep --help' (or 'sersweep VERB --help') for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            // The default handler would print a UserInputException's stack trace and exit 1: it is bad input (exit 2).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e}");
            return ExitCodes.RunFailed;
        }
    }
}
