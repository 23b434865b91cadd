using System.IO.Compression;
using System.Net;
using SerSweep.Dashboard.Tests.Support;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary>The embedded browser files, Plotly's 4.8 MB script above all, travel compressed to browsers that accept it.</summary>
public sealed class AssetCompressionTests : IAsyncLifetime
{
    private const string Plotly = "/_content/Plotly.Blazor/plotly-3.7.0.min.js";
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;

    public async Task InitializeAsync()
    {
        seeded = await SeededSweep.CreateAsync();
        server = await DashboardServer.StartAsync(seeded.DatabasePath);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? acceptEncoding, string? ifNoneMatch = null)
    {
        // No automatic decompression: the test sees the bytes on the wire.
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decompress(byte[] body, Func<Stream, Stream> decompressor)
    {
        using var input = decompressor(new MemoryStream(body));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public async Task Plotly_is_served_brotli_or_gzip_compressed_to_the_same_bytes_and_plain_otherwise()
    {
        var (plain, original) = await GetAsync(Plotly, acceptEncoding: null);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.True(original.Length > 4_000_000, $"{original.Length} bytes");
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);

        var (brotli, brotliBody) = await GetAsync(Plotly, "gzip, deflate, br, zstd");
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal(original, Decompress(brotliBody, s => new BrotliStream(s, CompressionMode.Decompress)));
        Assert.True(brotliBody.Length < original.Length / 3, $"brotli {brotliBody.Length} of {original.Length} bytes");

        var (gzip, gzipBody) = await GetAsync(Plotly, "gzip;q=1.0, br;q=0");
        Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        Assert.Equal(original, Decompress(gzipBody, s => new GZipStream(s, CompressionMode.Decompress)));
        Assert.True(gzipBody.Length < original.Length / 3, $"gzip {gzipBody.Length} of {original.Length} bytes");
        Assert.NotEqual(brotli.Headers.ETag, gzip.Headers.ETag);

        // Revalidation of the compressed copy: its own tag gives 304.
        var (again, _) = await GetAsync(Plotly, "br", ifNoneMatch: brotli.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }
}
