using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SerSweep.Core;
using SerSweep.Storage.Entities;
using SerSweep.Training;
using SerSweep.Training.Bundles;
using SerSweep.Training.Onnx;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// Streams a trial's model bundle from the coordinator's stored copy (the path in the database) with its SHA-256
/// (checked by the artifact store when the worker uploaded it) in <c>X-Content-SHA256</c> (hex) and
/// <c>Repr-Digest</c> (RFC 9530), so a client can verify what it saved. The copy is checked against that SHA-256
/// before it is served: a damaged file is refused, never handed out. The same verified copy is also served as ONNX.
/// </summary>
internal static partial class BundleDownload
{
    public const string Sha256Header = "X-Content-SHA256";

    public static async Task<IResult> ServeAsync(HttpContext context, Sweep sweep, Trial trial, Artifact? bundle)
    {
        if (await VerifyAsync(sweep, trial, bundle) is { } problem) return problem;
        var sha = bundle!.Sha256.ToLowerInvariant();
        context.Response.Headers[Sha256Header] = sha;
        context.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha))}:";
        return Results.File(bundle.Path, "application/zip", $"{FileStem(sweep, trial)}.zip", enableRangeProcessing: true);
    }

    /// <summary>
    /// The verified bundle as ONNX (<see cref="OnnxExport"/>): one .zip holding <c>model.onnx</c> and <c>model.json</c>.
    /// A bundle that does not load or a model the export cannot map is 422 with the reason.
    /// </summary>
    public static async Task<IResult> ServeOnnxAsync(Sweep sweep, Trial trial, Artifact? bundle)
    {
        if (await VerifyAsync(sweep, trial, bundle) is { } problem) return problem;
        (byte[] Model, byte[] Metadata) onnx;
        try
        {
            onnx = await Task.Run(() => OnnxExport.Create(ModelBundle.Load(bundle!.Path), "model.onnx"));
        }
        catch (Exception e) when (e is BundleFormatException or OnnxExportException)
        {
            return Results.Problem($"the bundle of trial {trial.Id} cannot be exported as ONNX: {e.Message}", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in new[] { ("model.onnx", onnx.Model), ("model.json", onnx.Metadata) })
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }
        return Results.File(zipped.ToArray(), "application/zip", $"{FileStem(sweep, trial)}-onnx.zip");
    }

    /// <summary>Null when the stored copy is there and matches its SHA-256 in the database, else the problem to answer.</summary>
    private static async Task<IResult?> VerifyAsync(Sweep sweep, Trial trial, Artifact? bundle)
    {
        if (bundle is null)
            return Results.Problem($"trial {trial.Id} (#{trial.Index} of {sweep.Name}) has no model bundle", statusCode: StatusCodes.Status404NotFound);
        var file = new FileInfo(bundle.Path);
        if (!file.Exists)
            return Results.Problem($"the bundle of trial {trial.Id} is recorded at {bundle.Path} but the file is gone", statusCode: StatusCodes.Status410Gone);
        if (file.Length != bundle.SizeBytes || await FileHashes.Sha256Async(file.FullName) != bundle.Sha256.ToLowerInvariant())
            return Results.Problem($"the bundle of trial {trial.Id} at {bundle.Path} does not match its SHA-256 in the database", statusCode: StatusCodes.Status500InternalServerError);
        return null;
    }

    private static string FileStem(Sweep sweep, Trial trial) => $"{SafeName().Replace(sweep.Name, "_")}-trial{trial.Index}";

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
