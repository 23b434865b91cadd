namespace SerSweep.Training.Data;

/// <summary>Item indices (into a FeatureSet) of the train, validation and test parts, and how they were made.</summary>
public sealed record DataSplit(int[] Train, int[] Val, int[] Test, string Description);
