using TorchSharp;
using TorchSharp.Modules;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Models;

/// <summary>
/// Batch normalisation over the channels of [N, C, H, W] (the 1D CNN's blocks run on [N, C, 1, T] too): TorchSharp
/// 0.107's BatchNorm2d (momentum 0.1, eps 1e-5, affine, running statistics; the same parameter and buffer names as
/// BatchNorm2d and BatchNorm1d, so checkpoints and bundles load either way, and the same <c>batch_norm</c> call), except that counting the batch in
/// training passes our Scalars: TorchSharp's <c>num_batches_tracked.add_(1)</c> leaves two to the finalizer per step.
/// </summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    private const double Momentum = 0.1, Epsilon = 1e-5;

    // Named and typed as registered, not readonly: Module.to(dtype or device) finds a module's tensors by field name
    // and puts the converted ones there (TorchSharp's own modules do the same).
    private Parameter weight;
    private Parameter bias;
    private Tensor running_mean;
    private Tensor running_var;
    private Tensor num_batches_tracked;

    public BatchNorm(string name, long features) : base(name)
    {
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = tensor(0L);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", running_mean);
        register_buffer("running_var", running_var);
        register_buffer("num_batches_tracked", num_batches_tracked);
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
            throw new ArgumentException($"expected 4D input, but got {input.dim()}D input.");
        if (training) num_batches_tracked.add_(One, One);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Epsilon);
    }

    /// <summary>
    /// In training, this norm then ReLU then, when <paramref name="maxPool"/>, max pool by 2 over time, as one C# function
    /// (<see cref="NormReluPool"/>), for [N, C, 1, T] channels-last input it takes; null for any other input.
    /// </summary>
    public Tensor? ForwardWithReluAndPool(Tensor input, bool maxPool)
    {
        if (!training || !NormReluPool.Takes(input) || maxPool && input.size(3) < 2) return null; // libtorch says what is wrong
        num_batches_tracked.add_(One, One);
        return NormReluPool.Apply(input, weight, bias, running_mean, running_var, Momentum, Epsilon, maxPool);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
            running_mean.Dispose();
            running_var.Dispose();
            num_batches_tracked.Dispose();
        }
        base.Dispose(disposing);
    }
}
