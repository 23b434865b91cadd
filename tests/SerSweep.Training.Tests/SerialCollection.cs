namespace SerSweep.Training.Tests;

/// <summary>Tests that measure the whole process (e.g. its resident memory) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
