using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// A Conv1d (same padding) over [N, C, 1, T] laid out channels-last, run as a conv2d with a 1 x k kernel. Its weight is
/// held time-major, [out, k, in], which is the channels-last layout oneDNN's kernels read: held as Conv1d's [out, in, k],
/// libtorch copied it into that layout in every forward and backward and copied its gradient back (copies were ~6 % of a
/// training step's perf samples; docs/training.md, "Training throughput"). Outside training it is a Conv1d: the state dict
/// of the model holding it, and so checkpoints, bundles and the ONNX export, holds the weight as [out, in, k]
/// (<see cref="AsConv1dState"/>), and that model loads it back through <see cref="TakeLoadedWeights"/>.
/// </summary>
public sealed class TimeConv : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long padding;
    // Not registered (null when the components are): the [out, in, k] copy the state dict hands out and loads land in.
    private Tensor? stateWeight;

    public TimeConv(string name, int inChannels, int outChannels, int kernelSize) : base(name)
    {
        weight = Parameter(empty(outChannels, kernelSize, inChannels));
        bias = Parameter(empty(outChannels));
        padding = kernelSize / 2;
        RegisterComponents();
    }

    /// <summary>The weight as Conv1d's [out, in, k]: a view of the parameter (the kernel, initialising, the state dict).</summary>
    public Tensor Conv1dWeight() => weight.permute(0, 2, 1);

    public override Tensor forward(Tensor input)
    {
        using var conv1dWeight = Conv1dWeight();
        using var kernel = conv1dWeight.unsqueeze(2); // [out, in, 1, k] with channels-last strides: no copy
        return nn.functional.conv2d(input, kernel, bias, padding: [0, padding]);
    }

    /// <summary>
    /// The weight as a contiguous [out, in, k] copy, refreshed on every call: what a model's state dict holds for it, and
    /// where a load writes (see <see cref="TakeLoadedWeight"/>).
    /// </summary>
    public Tensor StateWeight()
    {
        using var noGrad = no_grad();
        if (stateWeight is null || stateWeight.dtype != weight.dtype || stateWeight.device != weight.device)
        {
            stateWeight?.Dispose();
            stateWeight = empty([weight.shape[0], weight.shape[2], weight.shape[1]], dtype: weight.dtype, device: weight.device)
                .DetachFromDisposeScope();
        }
        using var conv1dWeight = Conv1dWeight();
        stateWeight.copy_(conv1dWeight);
        return stateWeight;
    }

    /// <summary>
    /// <paramref name="state"/>, the state dict of <paramref name="model"/> under <paramref name="prefix"/>, with every
    /// TimeConv's weight replaced by its Conv1d-layout copy (<see cref="StateWeight"/>). For a model's state_dict override:
    /// the base one lists all parameters of the tree from the root, so a submodule's own override is never asked.
    /// </summary>
    public static Dictionary<string, Tensor> AsConv1dState(Module model, Dictionary<string, Tensor> state, string? prefix)
    {
        foreach (var (name, module) in model.named_modules())
            if (module is TimeConv conv)
                state[string.IsNullOrEmpty(prefix) ? $"{name}.weight" : $"{prefix}.{name}.weight"] = conv.StateWeight();
        return state;
    }

    /// <summary>After a load into the state dict's tensors: the loaded [out, in, k] weight into the parameter.</summary>
    public void TakeLoadedWeight()
    {
        if (stateWeight is null) return;
        using var noGrad = no_grad();
        using var conv1dWeight = Conv1dWeight();
        conv1dWeight.copy_(stateWeight);
    }

    /// <summary>Every <see cref="TimeConv"/> of <paramref name="model"/> takes its loaded weight (see <see cref="TakeLoadedWeight"/>).</summary>
    public static void TakeLoadedWeights(Module model)
    {
        foreach (var conv in model.modules().OfType<TimeConv>()) conv.TakeLoadedWeight();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) stateWeight?.Dispose();
        base.Dispose(disposing);
    }
}
