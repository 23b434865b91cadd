namespace SerSweep.Storage.Entities;

/// <summary>
/// One saved version of a watched sweep.yaml as the coordinator judged it: accepted (and the sweep it started)
/// or rejected (with every error). The dashboard shows the newest rejection until a later valid save supersedes it.
/// </summary>
public sealed class SweepFileEvent
{
    public long Id { get; set; }
    /// <summary>Full path of the watched file.</summary>
    public required string Path { get; set; }
    public DateTime At { get; set; }
    /// <summary>SHA-256 (hex) of the file's text as read: which save this was.</summary>
    public required string Sha256 { get; set; }
    public bool Accepted { get; set; }
    /// <summary>The sweep an accepted save started (name and version kept with it, as the dashboard shows them).</summary>
    public long? SweepId { get; set; }
    public string? SweepName { get; set; }
    public int? SweepVersion { get; set; }
    /// <summary>A rejected save's errors: a JSON list of <see cref="SweepFileError"/>.</summary>
    public string? ErrorsJson { get; set; }

    public IReadOnlyList<SweepFileError> Errors => StoredJson.Read<List<SweepFileError>>(ErrorsJson) ?? [];
}

/// <summary>One validation error of a rejected save: where, which key (dotted path, "" when none applies), what and how to fix.</summary>
public sealed record SweepFileError(int Line, int Column, string Field, string Message, string Hint);
