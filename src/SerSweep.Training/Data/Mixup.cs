using TorchSharp;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Data;

/// <summary>
/// Mixup (Zhang et al. 2018, <c>training.mixup_alpha</c>): a training batch becomes λ·x + (1 − λ)·x[perm] and its
/// loss λ·loss(y) + (1 − λ)·loss(y[perm]), with λ ~ Beta(α, α) and a random permutation of the batch drawn per
/// batch. One instance per epoch, seeded from (seed, epoch) like the data order, so a resumed run mixes the same way.
/// </summary>
public sealed class Mixup(double alpha, int epochSeed)
{
    private readonly Random random = new(unchecked(epochSeed * 7 + 3));

    public MixupDraw Draw(int batchSize)
    {
        var permutation = Enumerable.Range(0, batchSize).Select(i => (long)i).ToArray();
        random.Shuffle(permutation);
        return new MixupDraw(SampleBeta(random, alpha), permutation);
    }

    /// <summary>Beta(α, α) as X / (X + Y) with X, Y ~ Gamma(α, 1).</summary>
    public static double SampleBeta(Random random, double alpha)
    {
        var x = SampleGamma(random, alpha);
        var y = SampleGamma(random, alpha);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    /// <summary>Marsaglia and Tsang (2000); for shape &lt; 1, Gamma(shape + 1) · U^(1 / shape).</summary>
    private static double SampleGamma(Random random, double shape)
    {
        if (shape < 1) return SampleGamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double normal, v;
            do
            {
                normal = StandardNormal(random);
                v = 1 + c * normal;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * normal * normal + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>One batch's mixing weight λ and partner permutation.</summary>
public readonly record struct MixupDraw(double Lambda, long[] Permutation)
{
    /// <summary>λ·x + (1 − λ)·x[perm] (in the current dispose scope).</summary>
    public Tensor Mix(Tensor batch)
    {
        using var partners = tensor(Permutation);
        return Blend(batch, batch.index_select(0, partners));
    }

    /// <summary>λ·loss(logits, y) + (1 − λ)·loss(logits, y[perm]).</summary>
    public Tensor Loss(Tensor logits, Tensor target, Func<Tensor, Tensor, Tensor> loss)
    {
        using var partners = tensor(Permutation);
        return Blend(loss(logits, target), loss(logits, target.index_select(0, partners)));
    }

    /// <summary>λ·own + (1 − λ)·partner; <paramref name="partner"/> is a temporary and is scaled in place.</summary>
    private Tensor Blend(Tensor own, Tensor partner)
    {
        using var weight = Lambda.ToScalar();
        using var partnerWeight = (1 - Lambda).ToScalar();
        return own.mul(weight).add_(partner.mul_(partnerWeight), One);
    }
}
