namespace SerSweep.Dashboard.Tests.Support;

/// <summary>GET of a model download: asserts a successful application/zip answer under <paramref name="fileName"/>.</summary>
public static class ZipDownload
{
    public static async Task<(HttpResponseMessage Response, byte[] Bytes)> GetAsync(HttpClient client, string url, string fileName)
    {
        var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }
}
