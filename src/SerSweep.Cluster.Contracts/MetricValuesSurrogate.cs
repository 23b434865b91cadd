using SerSweep.Core;

namespace SerSweep.Cluster.Contracts;

/// <summary>How Core's <see cref="MetricValues"/> crosses the grain boundary: Core knows nothing of Orleans, so its wire form lives here.</summary>
[GenerateSerializer]
public struct MetricValuesSurrogate
{
    [Id(0)] public double? TrainLoss;
    [Id(1)] public double? TrainAccuracy;
    [Id(2)] public double? ValLoss;
    [Id(3)] public double? ValAccuracy;
    [Id(4)] public double? ValMacroF1;
    [Id(5)] public double? ValUar;
    [Id(6)] public double? TestLoss;
    [Id(7)] public double? TestAccuracy;
    [Id(8)] public double? TestMacroF1;
    [Id(9)] public double? TestUar;
    [Id(10)] public double? ParamCount;
    [Id(11)] public double? ModelBytes;
    [Id(12)] public double? LatencyMs;
}

[RegisterConverter]
public sealed class MetricValuesSurrogateConverter : IConverter<MetricValues, MetricValuesSurrogate>
{
    public MetricValues ConvertFromSurrogate(in MetricValuesSurrogate s) => new()
    {
        TrainLoss = s.TrainLoss, TrainAccuracy = s.TrainAccuracy, ValLoss = s.ValLoss, ValAccuracy = s.ValAccuracy, ValMacroF1 = s.ValMacroF1,
        ValUar = s.ValUar, TestLoss = s.TestLoss, TestAccuracy = s.TestAccuracy, TestMacroF1 = s.TestMacroF1, TestUar = s.TestUar,
        ParamCount = s.ParamCount, ModelBytes = s.ModelBytes, LatencyMs = s.LatencyMs,
    };

    public MetricValuesSurrogate ConvertToSurrogate(in MetricValues m) => new()
    {
        TrainLoss = m.TrainLoss, TrainAccuracy = m.TrainAccuracy, ValLoss = m.ValLoss, ValAccuracy = m.ValAccuracy, ValMacroF1 = m.ValMacroF1,
        ValUar = m.ValUar, TestLoss = m.TestLoss, TestAccuracy = m.TestAccuracy, TestMacroF1 = m.TestMacroF1, TestUar = m.TestUar,
        ParamCount = m.ParamCount, ModelBytes = m.ModelBytes, LatencyMs = m.LatencyMs,
    };
}
