namespace SerSweep.Dashboard.Prediction;

/// <summary>An uploaded body read with a size limit: the dashboard's predict API and <c>sersweep serve</c> share it.</summary>
public static class LimitedUpload
{
    /// <summary>
    /// Copies <paramref name="upload"/> to <paramref name="destination"/>, refusing it with 413 as soon as it passes
    /// <paramref name="maxBytes"/> (nothing larger is kept); <paramref name="limitName"/> says how to raise the limit.
    /// Returns the bytes copied.
    /// </summary>
    public static async Task<long> CopyAsync(Stream upload, Stream destination, long maxBytes, string limitName, CancellationToken cancel)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await upload.ReadAsync(buffer, cancel)) > 0)
        {
            total += read;
            if (total > maxBytes)
                throw TooLarge(maxBytes, limitName);
            await destination.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
        return total;
    }

    public static PredictionRefused TooLarge(long maxBytes, string limitName) =>
        new(413, $"the upload is larger than the limit of {maxBytes} bytes ({limitName})");
}
