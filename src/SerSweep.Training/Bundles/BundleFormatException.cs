namespace SerSweep.Training.Bundles;

/// <summary>A model bundle that cannot be used: not a zip, a missing entry, a failed integrity check or an unknown format version.</summary>
public sealed class BundleFormatException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;
}
