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

    public ClassifierHead(string name, int inFeatures, int hiddenWidth, double dropout, int numClasses) : base(name)
    {
        layers = hiddenWidth > 0
            ? Sequential(Dropout(dropout), Linear(inFeatures, hiddenWidth), ReLU(inplace: true), Dropout(dropout), Linear(hiddenWidth, numClasses))
            : Sequential(Dropout(dropout), Linear(inFeatures, numClasses));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => layers.forward(input);
}
