namespace SerSweep.Search;

/// <summary>What a sweep file may ask of the cluster; files beyond these are refused before any work is done.</summary>
public sealed record SweepLimits
{
    public static SweepLimits Default { get; } = new();

    /// <summary>Largest sweep file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 1 << 20;
    /// <summary>Largest number of YAML nodes a document may expand to, counting every use of an alias.</summary>
    public long MaxYamlNodes { get; init; } = 10_000;
    public int MaxDepth { get; init; } = 32;
    /// <summary>Largest grid accepted; checked from the parameter counts, before anything is enumerated.</summary>
    public long MaxGridTrials { get; init; } = 10_000;
}
