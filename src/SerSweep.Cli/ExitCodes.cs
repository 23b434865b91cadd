namespace SerSweep.Cli;

/// <summary>The CLI's exit codes: part of its contract with scripts.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;
}

/// <summary>Thrown by a verb for input the user must fix (a missing file, a malformed value): exit code 2.</summary>
public sealed class UserInputException(string message) : Exception(message);
