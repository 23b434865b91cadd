namespace SerSweep.Storage;

/// <summary>A suggested trial for <see cref="StoreWriter.AddTrialsAsync"/>: its index, parameters, seed and the strategy's record of it.</summary>
public sealed record NewTrial(int Index, string ParametersJson, int Seed, string? SearchRecord = null);
