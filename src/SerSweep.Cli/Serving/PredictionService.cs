using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SerSweep.Audio.Decoding;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Dashboard.Prediction;
using SerSweep.Training;
using SerSweep.Training.Serving;

namespace SerSweep.Cli.Serving;

/// <summary>The limits of <c>sersweep serve</c>: what one request may send, and how requests are batched and queued.</summary>
public sealed record ServeLimits(long MaxBodyBytes, double MaxSeconds, MicroBatchOptions Batching);

/// <summary>One answer of <c>POST /predict</c>: the emotion and every class probability, as <c>predict --json</c> gives them per file.</summary>
public sealed record ServedPrediction(Emotion Emotion, IReadOnlyDictionary<Emotion, double> Probabilities);

/// <summary><c>GET /healthz</c>: which model answers (bundle path and SHA-256), its queue and how much batching happened.</summary>
public sealed record ServeHealth(string Status, string Model, string Sha256, int Queue, int QueueLimit, long Requests, long Batches, int MaxBatch);

/// <summary>
/// The HTTP app of <c>sersweep serve</c> (Kestrel, minimal API). A request's body is read with the size limit, decoded
/// (WAV, MP3 or FLAC: the decoders of <c>predict</c>), clipped and turned into features on the request's own thread,
/// so requests prepare in parallel; only the forward pass goes through the <see cref="MicroBatcher"/>.
/// </summary>
public static class PredictionService
{
    private static readonly JsonSerializerOptions Json = new(JsonOutput.Options) { WriteIndented = false };

    public static WebApplication Build(Predictor predictor, MicroBatcher batcher, string modelPath, string sha256, ServeLimits limits, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Json(new ServeHealth("ok", modelPath, sha256, batcher.Waiting, limits.Batching.QueueLimit,
            batcher.Requests, batcher.Batches, limits.Batching.MaxBatch), Json));
        app.MapPost("/predict", async (HttpRequest request, HttpResponse response, CancellationToken cancel) =>
        {
            try
            {
                var item = await FeaturesAsync(predictor, request, limits, cancel);
                if (batcher.TryPredict(item) is not { } pending)
                {
                    response.Headers.RetryAfter = "1";
                    return Problem(StatusCodes.Status503ServiceUnavailable,
                        $"the prediction queue is full ({limits.Batching.QueueLimit} requests wait for the model; --queue): retry later");
                }
                var prediction = await pending.WaitAsync(cancel);
                return Results.Json(new ServedPrediction(prediction.Emotion, prediction.Probabilities), Json);
            }
            catch (PredictionRefused refused)
            {
                return Problem(refused.Status, refused.Message);
            }
            catch (BadHttpRequestException e) // Kestrel's own body limit, or a malformed body
            {
                return Problem(e.StatusCode, e.Message);
            }
            catch (EndOfStreamException)
            {
                return Problem(StatusCodes.Status400BadRequest, "the body ended before its Content-Length");
            }
        });
        return app;
    }

    /// <summary>The request's audio as one model input item; refuses (413, 400) what is too large, too long or not audio.</summary>
    private static async Task<float[]> FeaturesAsync(Predictor predictor, HttpRequest request, ServeLimits limits, CancellationToken cancel)
    {
        if (request.ContentLength > limits.MaxBodyBytes) throw LimitedUpload.TooLarge(limits.MaxBodyBytes, "--max-body-bytes");
        var (buffer, length) = await ReadBodyAsync(request, limits.MaxBodyBytes, cancel);
        if (length == 0)
            throw new PredictionRefused(400, "the request body is empty: send the audio file (WAV, MP3 or FLAC) as the body");
        WavAudio audio;
        try
        {
            audio = AudioFile.Read(buffer.AsMemory(0, length), "the uploaded audio");
        }
        catch (WavFormatException e)
        {
            throw new PredictionRefused(400, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (audio.Seconds > limits.MaxSeconds)
            throw new PredictionRefused(413, FormattableString.Invariant(
                $"the recording is {audio.Seconds:0.0} s long; serve predicts recordings of up to {limits.MaxSeconds:0.#} s (--max-seconds). For long recordings use: sersweep predict MODEL FILE --timeline"));
        var clip = new float[predictor.ClipSamples];
        predictor.LoadClip(audio, clip);
        return predictor.Features(clip, 1);
    }

    /// <summary>
    /// The whole body in a pooled buffer (the caller returns it): a 3-s WAV is 288 kB, and a fresh large-object array per
    /// request cost more in page faults than reading it. Straight into the buffer when the body has a Content-Length,
    /// else through the limited copy.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        if (request.ContentLength is { } length)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                await request.Body.ReadExactlyAsync(buffer.AsMemory(0, (int)length), cancel);
                return (buffer, (int)length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
        using var body = new MemoryStream();
        await LimitedUpload.CopyAsync(request.Body, body, maxBytes, "--max-body-bytes", cancel);
        var copy = ArrayPool<byte>.Shared.Rent((int)body.Length);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(copy);
        return (copy, (int)body.Length);
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail, statusCode: status);

    /// <summary>True when every address of <paramref name="urls"/> is a loopback one (the default): nobody else can reach the service.</summary>
    public static bool LoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(url =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
            (uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))));
}
