using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace SerSweep.Dashboard.Hosting;

/// <summary>
/// Serves the browser files embedded in this assembly (blazor.web.js, Plotly, QuickGrid's script and styles, the
/// dashboard's stylesheet) at the paths the components ask for. Only embedded names resolve: a request path is a
/// dictionary key, never a file-system path.
/// </summary>
internal static class DashboardAssetEndpoints
{
    private const string Prefix = "assets/";

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(Load);

    public static void MapDashboardAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/_framework/blazor.web.js", (HttpContext context) => Serve(context, "_framework/blazor.web.js"));
        endpoints.MapGet("/dashboard.css", (HttpContext context) => Serve(context, "dashboard.css"));
        endpoints.MapGet("/_content/{package}/{file}", (HttpContext context, string package, string file) =>
            Serve(context, $"_content/{package}/{file}"));
    }

    private static IResult Serve(HttpContext context, string path)
    {
        if (!Assets.Value.TryGetValue(path, out var asset))
            return Results.NotFound();
        context.Response.Headers.CacheControl = "no-cache";
        var etag = new EntityTagHeaderValue(asset.ETag);
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType, entityTag: etag);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssetEndpoints).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[Prefix.Length..], name => Read(assembly, name), StringComparer.Ordinal);
    }

    private static Asset Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var contentType = Path.GetExtension(name) == ".css" ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
    }
}
