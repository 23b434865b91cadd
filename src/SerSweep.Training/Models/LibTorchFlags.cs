using System.Runtime.InteropServices;
using TorchSharp;

namespace SerSweep.Training.Models;

/// <summary>
/// Settings of libtorch's global context that TorchSharp 0.107 does not expose, set through the functions libtorch
/// itself exports (<c>at::globalContext()</c> and its members, by their C++ names). Where a libtorch build lacks them,
/// nothing is set and the defaults stand.
/// </summary>
public static class LibTorchFlags
{
    /// <summary>
    /// NNPACK off, once per process. On CPUs NNPACK does not support (the AMD EPYC it was found on among them) libtorch
    /// printed <c>Could not initialize NNPACK! Reason: Unsupported hardware.</c> for every conv layer of every batch of
    /// 16 or more: 1 664 lines on the console of the default sweep. It never runs these models' convolutions anyway:
    /// libtorch picks oneDNN before NNPACK for every batch NNPACK would take (<c>ConvParams::use_mkldnn</c>).
    /// </summary>
    public static void TurnOffNnpack() => _ = NnpackTurnedOff.Value;

    /// <summary>libtorch's own reading of its NNPACK switch; null where the build does not export it.</summary>
    public static bool? NnpackEnabled() =>
        Export<GetFlag>("_ZNK2at7Context17userEnabledNNPACKEv") is { } get && Context() is { } context ? get(context) : null;

    private static readonly Lazy<bool> NnpackTurnedOff = new(() =>
    {
        if (Export<SetFlag>("_ZN2at7Context20setUserEnabledNNPACKEb") is not { } set || Context() is not { } context) return false;
        set(context, false);
        return true;
    });

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetFlag(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetFlag(IntPtr context);

    private static IntPtr? Context() => Export<GlobalContext>("_ZN2at13globalContextEv")?.Invoke();

    private static T? Export<T>(string symbol) where T : Delegate
    {
        // TorchSharp loads libtorch when first used; the name then resolves to the library already in the process.
        _ = torch.get_num_threads();
        return NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, null, out var library)
               && NativeLibrary.TryGetExport(library, symbol, out var function)
            ? Marshal.GetDelegateForFunctionPointer<T>(function)
            : null;
    }
}
