using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// Dropout + Linear to the classes, or with a hidden width: Dropout + Linear + ReLU + Dropout + Linear.
/// Takes the globally pooled features [N, C].
/// </summary>
public sealed class ClassifierHead : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public ClassifierHead(string name, int inFeatures, int hiddenWidth, double dropout, int numClasses, Generator generator) : base(name)
    {
        layers = hiddenWidth > 0
            ? Sequential(new SeededDropout("dropout0", dropout, generator), Linear(inFeatures, hiddenWidth), ReLU(inplace: true),
                new SeededDropout("dropout1", dropout, generator), Linear(hiddenWidth, numClasses))
            : Sequential(new SeededDropout("dropout0", dropout, generator), Linear(inFeatures, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => layers.forward(input);
}
