using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>L2 added to the gradient (TorchSharp's coupled weight decay, <c>grad.add(parameter, weight_decay)</c>) with its Scalar disposed.</summary>
internal sealed class L2Penalty(double weightDecay) : IDisposable
{
    private readonly Scalar weight = weightDecay.ToScalar();

    /// <summary>The gradient to step with: <paramref name="grad"/> itself without decay, else a temporary in the caller's dispose scope.</summary>
    public Tensor AddTo(Tensor grad, Tensor parameter) => weightDecay == 0 ? grad : grad.add(parameter, weight);

    public void Dispose() => weight.Dispose();
}
