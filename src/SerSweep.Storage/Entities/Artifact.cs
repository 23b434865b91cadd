namespace SerSweep.Storage.Entities;

/// <summary>
/// A file a trial produced (the model bundle): <see cref="Path"/> is the coordinator's stored copy (uploaded by the
/// worker and verified on arrival), <see cref="Sha256"/> what downloads and exports are checked against.
/// </summary>
public sealed class Artifact
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    public required string Kind { get; set; }
    public required string Path { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public DateTime CreatedAt { get; set; }

    public const string BundleKind = "bundle";
}
