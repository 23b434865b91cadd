using System.Security.Cryptography;
using System.Text.Json;
using SerSweep.Core;
using SerSweep.Training.Data;

namespace SerSweep.Training.Onnx;

/// <summary>
/// Writes a bundle as <c>X.onnx</c> (<see cref="OnnxModel"/>) and <c>X.json</c> beside it (<see cref="Metadata"/>): what
/// someone without SerSweep needs to feed the graph. The feature front end (resample, clip, log-mel/MFCC) stays outside
/// the graph and is described by the bundle's feature config; the dataset normalisation is inside it.
/// </summary>
public static class OnnxExport
{
    /// <summary>The JSON beside the graph.</summary>
    public sealed record Metadata(
        string Model, int Opset, string Input, int[] InputShape, string[] Outputs, string[] Labels,
        FeatureConfig Features, string FrontEnd, NormalizationStats? Normalization, string NormalizationNote,
        ModelConfig Architecture, string CodeVersion, DateTimeOffset BundleCreatedUtc);

    public sealed record Written(string Path, string MetadataPath, string Sha256, long Bytes, int Opset);

    public static string MetadataPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".json");

    public static Written Write(ModelBundle bundle, string onnxPath)
    {
        var (model, metadata) = Create(bundle, Path.GetFileName(onnxPath));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(onnxPath))!);
        File.WriteAllBytes(onnxPath, model);
        File.WriteAllBytes(MetadataPath(onnxPath), metadata);
        return new Written(Path.GetFullPath(onnxPath), Path.GetFullPath(MetadataPath(onnxPath)), Convert.ToHexStringLower(SHA256.HashData(model)), model.Length, OnnxModel.Opset);
    }

    /// <summary>The graph and its JSON (which names the graph's file, <paramref name="modelFileName"/>).</summary>
    public static (byte[] Model, byte[] Metadata) Create(ModelBundle bundle, string modelFileName)
    {
        var model = OnnxModel.Export(bundle);
        var features = bundle.Config.Features with { Augment = new AugmentConfig() };
        var metadata = new Metadata(
            modelFileName, OnnxModel.Opset, OnnxModel.InputName, bundle.ItemShape,
            [OnnxModel.ProbabilitiesName, OnnxModel.LogitsName], bundle.Classes.Select(e => e.Name()).ToArray(),
            features,
            $"input = the {(features.Kind == FeatureKind.LogMel ? "log-mel" : "MFCC")} features of one clip (clip_seconds after offset_seconds, " +
            "mono, resampled to sample_rate), shape [batch, channels, rows, frames], as SerSweep's feature extractor computes them " +
            "(docs/audio.md, Feature config); not part of the graph",
            bundle.Normalization,
            "applied inside the graph ((x - mean) / std per channel and row); feed raw features",
            bundle.Config.Model, bundle.CodeVersion, bundle.CreatedUtc);
        return (model, JsonSerializer.SerializeToUtf8Bytes(metadata, BundleJson.Options));
    }
}
