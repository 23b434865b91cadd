using System.Collections.Frozen;
using System.IO.Compression;
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
/// dictionary key, never a file-system path. Each file is also served brotli- or gzip-compressed to browsers that
/// accept it (Plotly's 4.8 MB script is about 1.5 MB gzipped, less with brotli), compressed once on first request and kept.
/// </summary>
internal static class DashboardAssetEndpoints
{
    private const string Prefix = "assets/";

    private sealed record Asset(byte[] Content, string ContentType, string ETag)
    {
        public Lazy<byte[]> Brotli { get; } = new(() => Compress(Content, output => new BrotliStream(output, CompressionLevel.Optimal)));
        public Lazy<byte[]> Gzip { get; } = new(() => Compress(Content, output => new GZipStream(output, CompressionLevel.Optimal)));
    }

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
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        var (encoding, content) = Accepts(context.Request, "br") ? ("br", asset.Brotli.Value)
            : Accepts(context.Request, "gzip") ? ("gzip", asset.Gzip.Value)
            : (null, asset.Content);
        // Each encoding is its own representation, with its own tag.
        var etag = new EntityTagHeaderValue(encoding is null ? asset.ETag : $"{asset.ETag[..^1]}-{encoding}\"");
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        if (encoding is not null)
            context.Response.Headers.ContentEncoding = encoding;
        return Results.Bytes(content, asset.ContentType, entityTag: etag);
    }

    private static bool Accepts(HttpRequest request, string encoding) =>
        request.GetTypedHeaders().AcceptEncoding.Any(accepted =>
            string.Equals(accepted.Value.Value, encoding, StringComparison.OrdinalIgnoreCase) && accepted.Quality is not 0);

    private static byte[] Compress(byte[] content, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
            compressing.Write(content);
        return output.ToArray();
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
