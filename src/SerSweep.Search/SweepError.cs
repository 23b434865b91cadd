using SerSweep.Search.Yaml;

namespace SerSweep.Search;

/// <summary>One mistake in a sweep file: where it is, what is wrong, and how to fix it.</summary>
public sealed record SweepError(string File, SourcePosition Position, string Message, string Hint)
{
    public int Line => Position.Line;
    public int Column => Position.Column;

    /// <summary>The compiler-style form: <c>sweep.yaml:12:5: error: message (hint: ...)</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: error: {Message} (hint: {Hint})";
}

/// <summary>Thrown when a sweep file that must be valid is not; carries every error found.</summary>
public sealed class SweepFileException(IReadOnlyList<SweepError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<SweepError> Errors { get; } = errors;
}
