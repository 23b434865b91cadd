namespace SerSweep.Training.Onnx;

/// <summary>A model the ONNX export cannot write, with the reason (the CLI's exit 2).</summary>
public sealed class OnnxExportException(string message) : Exception(message);
