using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>
/// The learning rate of every epoch (step, cosine, reduce-on-plateau). Computed here rather than by
/// TorchSharp's schedulers so that its whole state is this small record, which the checkpoint stores:
/// a resumed run continues with exactly the learning rate it would have had.
/// </summary>
public sealed class LearningRateSchedule(TrainingConfig config)
{
    /// <summary>Reduce-on-plateau bookkeeping (unused by the other schedules).</summary>
    public sealed record PlateauState(double LearningRate, double Best, int BadEpochs);

    public PlateauState Plateau { get; set; } = new(config.LearningRate, double.NaN, 0);

    /// <summary>The learning rate for 0-based <paramref name="epoch"/>.</summary>
    public double For(int epoch) => config.Schedule switch
    {
        LrSchedule.None => config.LearningRate,
        LrSchedule.Step => config.LearningRate * Math.Pow(config.Gamma, epoch / Math.Max(1, config.StepSize)),
        LrSchedule.Cosine => config.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, config.Epochs))),
        LrSchedule.Plateau => Plateau.LearningRate,
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Schedule, "unknown schedule"),
    };

    /// <summary>Feeds the epoch's validation metric to reduce-on-plateau: after more than
    /// <c>plateau_patience</c> epochs without improvement the rate is multiplied by <c>gamma</c>.</summary>
    public void Observe(double metric, bool lowerIsBetter)
    {
        var improved = double.IsNaN(Plateau.Best) || (lowerIsBetter ? metric < Plateau.Best : metric > Plateau.Best);
        if (improved)
            Plateau = Plateau with { Best = metric, BadEpochs = 0 };
        else if (Plateau.BadEpochs + 1 > config.PlateauPatience)
            Plateau = Plateau with { LearningRate = Plateau.LearningRate * config.Gamma, BadEpochs = 0 };
        else
            Plateau = Plateau with { BadEpochs = Plateau.BadEpochs + 1 };
    }
}
