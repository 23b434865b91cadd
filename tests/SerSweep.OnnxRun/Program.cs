using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Runs an exported SerSweep model with ONNX Runtime alone: `SerSweep.OnnxRun MODEL.onnx FEATURES.f32 PROBABILITIES.f32`.
// FEATURES.f32: raw little-endian float32 features, items of the input_shape in MODEL.json beside the model.
// Writes the "probabilities" output the same way and prints one line per item: the label of the highest probability.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: SerSweep.OnnxRun MODEL.onnx FEATURES.f32 PROBABILITIES.f32");
    return 2;
}
using var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.ChangeExtension(args[0], ".json")));
var itemShape = metadata.RootElement.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
var labels = metadata.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray();
var input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[1])).ToArray();
var itemLength = itemShape.Aggregate(1, (a, b) => a * b);
var count = input.Length / itemLength;

using var session = new InferenceSession(args[0]);
var features = new DenseTensor<float>(input, [count, .. itemShape]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor(metadata.RootElement.GetProperty("input").GetString()!, features)]);
var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
File.WriteAllBytes(args[2], MemoryMarshal.AsBytes(probabilities.AsSpan()).ToArray());
for (var n = 0; n < count; n++)
{
    var row = probabilities.AsSpan(n * labels.Length, labels.Length);
    Console.WriteLine(labels[row.IndexOf(MaxOf(row))]);
}
return 0;

static float MaxOf(ReadOnlySpan<float> row)
{
    var max = row[0];
    foreach (var v in row) max = Math.Max(max, v);
    return max;
}
