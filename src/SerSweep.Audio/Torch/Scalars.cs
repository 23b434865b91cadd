using TorchSharp;

namespace SerSweep.Audio.Torch;

/// <summary>
/// How this code passes numbers to libtorch. TorchSharp 0.107 turns every double or int argument into a native
/// <see cref="Scalar"/> (also the hidden alpha 1 of <c>add</c>/<c>add_</c> without an alpha, <c>a + b</c> included),
/// hands only its raw pointer to the native call and never disposes it: nothing keeps the managed object alive
/// during the call, so the GC may run its finalizer and free the Scalar while libtorch is still reading it
/// (the <c>c10::Scalar::toFloat</c> crash seen once in FeatureExtractor's <c>add_</c>; dotnet/TorchSharp#1434, open
/// in 0.107). And between collections the leaked Scalars fragment the native heap. So on the hot paths (features,
/// training, prediction) every Scalar is ours: a field or a <c>using var s = value.ToScalar();</c> that outlives the
/// call and is disposed, or <see cref="One"/>, and <c>add</c>/<c>add_</c> always get their alpha explicitly.
/// </summary>
public static class Scalars
{
    /// <summary>The alpha of a plain sum (the integer 1 TorchSharp would create per call), alive for the whole process.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>What <c>fill_(Zero)</c> zeroes a tensor with in place (TorchSharp 0.107's <c>zero_()</c> is <c>zeros_out</c>
    /// returning a second wrapper of the tensor, and reads <c>Tensor.shape</c>: both left to the finalizer on every call).</summary>
    public static readonly Scalar Zero = 0.ToScalar();
}
