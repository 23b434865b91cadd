using TorchSharp;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// The Adam update shared by <see cref="DisposingAdam"/> and <see cref="DisposingAdamW"/>, operation for operation
/// TorchSharp 0.107's (same results), but with every <see cref="Scalar"/> disposed. TorchSharp's own step turns each
/// double argument into a Scalar that only its finalizer frees (8-9 per parameter per step); between collections
/// these small native blocks are carved out of the freed activations, so the next step's activations no longer
/// fit there and the malloc heap grows (dotnet/TorchSharp#1434).
/// </summary>
internal sealed class AdamMoments(double beta1, double beta2, double eps) : IDisposable
{
    private readonly Scalar beta1 = beta1.ToScalar();
    private readonly Scalar beta2 = beta2.ToScalar();
    private readonly Scalar gradWeight = (1.0 - beta1).ToScalar();
    private readonly Scalar squareWeight = (1.0 - beta2).ToScalar();
    private readonly Scalar eps = eps.ToScalar();
    private readonly double beta1Value = beta1;
    private readonly double beta2Value = beta2;

    /// <summary>Updates the moments with <paramref name="grad"/> and moves <paramref name="parameter"/> by the bias-corrected step (temporaries in the caller's dispose scope).</summary>
    public void Apply(Tensor parameter, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, double learningRate)
    {
        var biasCorrection1 = 1.0 - Math.Pow(beta1Value, step);
        var biasCorrection2 = 1.0 - Math.Pow(beta2Value, step);
        expAvg.mul_(beta1).add_(grad, gradWeight);
        expAvgSq.mul_(beta2).addcmul_(grad, grad, squareWeight);
        using var rootCorrection = Math.Sqrt(biasCorrection2).ToScalar();
        var denominator = (expAvgSq.sqrt() / rootCorrection).add_(eps, One); // add_(eps) would make a Scalar 1 for its alpha
        using var stepSize = (0.0 - learningRate / biasCorrection1).ToScalar();
        parameter.addcdiv_(expAvg, denominator, stepSize);
    }

    public void Dispose()
    {
        beta1.Dispose();
        beta2.Dispose();
        gradWeight.Dispose();
        squareWeight.Dispose();
        eps.Dispose();
    }
}
