namespace SerSweep.Dashboard.Views;

/// <summary>A confusion matrix: <c>Counts[actual][predicted]</c> over the class labels in order.</summary>
public sealed record ConfusionMatrixView(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Counts)
{
    public int Size => Labels.Count;
}
