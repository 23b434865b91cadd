using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Core.Tests;

public sealed class MetricValuesTests
{
    private static readonly IReadOnlyList<System.Reflection.PropertyInfo> Fields =
        [.. typeof(MetricValues).GetProperties().Where(p => p.PropertyType == typeof(double?) && p.GetIndexParameters().Length == 0)];

    [Fact]
    public void Every_metric_name_reads_its_own_field_and_no_other()
    {
        // Each property set alone through reflection, by the name sweep.yaml spells (train_loss <-> TrainLoss).
        foreach (var property in Fields)
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            var values = new MetricValues();
            property.SetValue(values, 0.25);

            Assert.Contains(name, Metrics.All);
            Assert.Equal(0.25, values[name]);
            Assert.Equal([name], values.Measured.Keys);
        }
        Assert.Equal(Metrics.All.Count, Fields.Count);
    }

    [Fact]
    public void An_unknown_name_or_an_unmeasured_metric_is_null()
    {
        var values = new MetricValues { ValAccuracy = 0.5 };

        Assert.Null(values["val_acc"]);
        Assert.Null(values[Metrics.TestAccuracy]);
        Assert.Equal(0.5, values[Metrics.ValAccuracy]);
    }
}
