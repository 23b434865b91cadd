using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// Streams a trial's model bundle from the coordinator's stored copy (the path in the database) with its SHA-256
/// (checked by the artifact store when the worker uploaded it) in <c>X-Content-SHA256</c> (hex) and
/// <c>Repr-Digest</c> (RFC 9530), so a client can verify what it saved. The copy is checked against that SHA-256
/// before it is served: a damaged file is refused, never handed out.
/// </summary>
internal static partial class BundleDownload
{
    public const string Sha256Header = "X-Content-SHA256";

    public static async Task<IResult> ServeAsync(HttpContext context, Sweep sweep, Trial trial, Artifact? bundle)
    {
        if (bundle is null)
            return Results.Problem($"trial {trial.Id} (#{trial.Index} of {sweep.Name}) has no model bundle", statusCode: StatusCodes.Status404NotFound);
        var file = new FileInfo(bundle.Path);
        if (!file.Exists)
            return Results.Problem($"the bundle of trial {trial.Id} is recorded at {bundle.Path} but the file is gone", statusCode: StatusCodes.Status410Gone);
        var sha = bundle.Sha256.ToLowerInvariant();
        if (file.Length != bundle.SizeBytes || await FileHashes.Sha256Async(file.FullName) != sha)
            return Results.Problem($"the bundle of trial {trial.Id} at {bundle.Path} does not match its SHA-256 in the database", statusCode: StatusCodes.Status500InternalServerError);
        context.Response.Headers[Sha256Header] = sha;
        context.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha))}:";
        var name = $"{SafeName().Replace(sweep.Name, "_")}-trial{trial.Index}.zip";
        return Results.File(file.FullName, "application/zip", name, enableRangeProcessing: true);
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
