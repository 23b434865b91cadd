using Spectre.Console;

namespace SerSweep.Cli;

/// <summary>The Spectre console on stderr: progress bars and status go here, so stdout stays clean for --json.</summary>
public static class ErrorConsole
{
    public static IAnsiConsole Instance { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
