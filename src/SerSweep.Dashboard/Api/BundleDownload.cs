using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// Streams a trial's model bundle with its SHA-256 (recorded when the bundle was written) in
/// <c>X-Content-SHA256</c> (hex) and <c>Repr-Digest</c> (RFC 9530), so a client can verify what it saved.
/// </summary>
internal static partial class BundleDownload
{
    public const string Sha256Header = "X-Content-SHA256";

    public static IResult Serve(HttpContext context, Sweep sweep, Trial trial, Artifact? bundle)
    {
        if (bundle is null)
            return Results.Problem($"trial {trial.Id} (#{trial.Index} of {sweep.Name}) has no model bundle", statusCode: StatusCodes.Status404NotFound);
        var file = new FileInfo(bundle.Path);
        if (!file.Exists)
            return Results.Problem($"the bundle of trial {trial.Id} is recorded at {bundle.Path} but the file is gone", statusCode: StatusCodes.Status410Gone);
        var sha = bundle.Sha256.ToLowerInvariant();
        context.Response.Headers[Sha256Header] = sha;
        context.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha))}:";
        var name = $"{SafeName().Replace(sweep.Name, "_")}-trial{trial.Index}.zip";
        return Results.File(file.FullName, "application/zip", name, enableRangeProcessing: true);
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
