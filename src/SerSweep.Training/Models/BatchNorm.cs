using TorchSharp;
using TorchSharp.Modules;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Models;

/// <summary>
/// Batch normalisation over the channels of [N, C, H, W] (2 dimensions) or [N, C, T] (1): TorchSharp 0.107's
/// BatchNorm2d/BatchNorm1d (momentum 0.1, eps 1e-5, affine, running statistics; the same parameter and buffer names,
/// so checkpoints and bundles load either way, and the same <c>batch_norm</c> call), except that counting the batch in
/// training passes our Scalars: TorchSharp's <c>num_batches_tracked.add_(1)</c> leaves two to the finalizer per step.
/// </summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    private const double Momentum = 0.1, Epsilon = 1e-5;

    private readonly int dimensions;
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor runningMean;
    private readonly Tensor runningVar;
    private readonly Tensor numBatchesTracked;

    public BatchNorm(string name, int dimensions, long features) : base(name)
    {
        if (dimensions is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "1 or 2");
        this.dimensions = dimensions;
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        runningMean = zeros(features);
        runningVar = ones(features);
        numBatchesTracked = tensor(0L);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        register_buffer("running_mean", runningMean);
        register_buffer("running_var", runningVar);
        register_buffer("num_batches_tracked", numBatchesTracked);
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != dimensions + 2)
            throw new ArgumentException($"expected {dimensions + 2}D input, but got {input.dim()}D input.");
        if (training) numBatchesTracked.add_(One, One);
        return nn.functional.batch_norm(input, runningMean, runningVar, weight, bias, training, Momentum, Epsilon);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
            runningMean.Dispose();
            runningVar.Dispose();
            numBatchesTracked.Dispose();
        }
        base.Dispose(disposing);
    }
}
