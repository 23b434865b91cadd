using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// The state after a finished epoch, enough to continue exactly: the weights, the optimizer state, the
/// weights of the best epoch so far, and the trainer's bookkeeping (next epoch, history, early-stopping and
/// plateau state). Random state needs no snapshot: every epoch reseeds data order and dropout from
/// (run seed, epoch). Written into a temporary folder and swapped in, so a crash never leaves half a checkpoint.
/// </summary>
public sealed record TrainingCheckpoint
{
    public required int NextEpoch { get; init; }
    public required List<EpochReport> History { get; init; }
    public required double BestValue { get; init; }
    public required int BestEpoch { get; init; }
    public required LearningRateSchedule.PlateauState Plateau { get; init; }
    /// <summary>The config the run started with, to refuse resuming a different run.</summary>
    public required string ConfigJson { get; init; }

    private const string StateFile = "state.json";
    private const string WeightsFile = "model.pt";
    private const string OptimizerFile = "optimizer.pt";
    private const string BestWeightsFile = "best.pt";

    /// <summary>
    /// Writes the checkpoint into <paramref name="dir"/>. <paramref name="model"/> null: the model's weights are the
    /// best ones (the epoch just improved), so their serialised bytes are written twice rather than serialised again.
    /// </summary>
    public void Save(string dir, nn.Module? model, OptimizerHelper optimizer, byte[] bestWeights)
    {
        var full = Path.GetFullPath(dir);
        var staging = full + ".tmp";
        var old = full + ".old";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        if (model is null) File.WriteAllBytes(Path.Combine(staging, WeightsFile), bestWeights);
        else model.save(Path.Combine(staging, WeightsFile));
        optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
        File.WriteAllBytes(Path.Combine(staging, BestWeightsFile), bestWeights);
        File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(this, BundleJson.Options));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(full)) Directory.Move(full, old);
        Directory.Move(staging, full);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// Finishes a swap that a kill interrupted. <see cref="Save"/> moves the live folder to ".old", then the
    /// staged ".tmp" into place; a kill between the two renames leaves no live folder. The staged copy is
    /// complete once it holds the state file (written last, before the first rename), so it wins; without
    /// it the previous checkpoint comes back.
    /// </summary>
    public static void CompleteInterruptedSave(string dir)
    {
        var full = Path.GetFullPath(dir);
        if (Directory.Exists(full)) return;
        var staging = full + ".tmp";
        var old = full + ".old";
        if (File.Exists(Path.Combine(staging, StateFile))) Directory.Move(staging, full);
        else if (Directory.Exists(old)) Directory.Move(old, full);
    }

    /// <summary>The bookkeeping of the checkpoint in <paramref name="dir"/> (after finishing an interrupted save); null when there is none.</summary>
    public static TrainingCheckpoint? ReadState(string dir)
    {
        CompleteInterruptedSave(dir);
        var stateFile = Path.Combine(dir, StateFile);
        if (!File.Exists(stateFile)) return null;
        return JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(stateFile), BundleJson.Options)
               ?? throw new InvalidDataException($"{stateFile} is empty");
    }

    /// <summary>Loads the state into <paramref name="model"/> and <paramref name="optimizer"/>; returns the bookkeeping and the best weights.</summary>
    public static (TrainingCheckpoint State, byte[] BestWeights) Load(string dir, nn.Module model, OptimizerHelper optimizer)
    {
        var state = ReadState(dir)
                    ?? throw new FileNotFoundException($"no training checkpoint in {dir} ({StateFile} missing)", Path.Combine(dir, StateFile));
        model.load(Path.Combine(dir, WeightsFile));
        try
        {
            optimizer.load_state_dict(Path.Combine(dir, OptimizerFile));
        }
        catch (ArgumentException e) when (e.Message.Contains("shape", StringComparison.OrdinalIgnoreCase))
        {
            // The moments of a 1D CNN's conv weights are [out, k, in] since TimeConv; SerSweep before it wrote [out, in, k].
            throw new ArgumentException($"checkpoint {dir}: its optimizer state does not fit this model (written by an older SerSweep, " +
                "or for another model); start the trial afresh", e);
        }
        return (state, File.ReadAllBytes(Path.Combine(dir, BestWeightsFile)));
    }
}
