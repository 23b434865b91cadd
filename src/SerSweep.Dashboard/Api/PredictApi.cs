using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SerSweep.Dashboard.Prediction;
using SerSweep.Training.Timelines;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// <c>POST /api/models/{trialId}/predict</c>: a WAV as the raw body (audio/wav) or as the multipart field
/// <c>file</c>; answers the emotion and every class probability. Size-limited, decoded by the training decoder.
/// With <c>?timeline=true</c> (and optionally <c>window</c>, <c>hop</c> in seconds) it answers the emotion timeline
/// of the whole recording instead.
/// </summary>
internal static class PredictApi
{
    public static void MapPredictApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/models/{id:long}/predict", async (long id, HttpRequest request, ModelPredictions predictions, CancellationToken cancel) =>
        {
            if (request.ContentLength > predictions.MaxUploadBytes)
                return Results.Problem(LimitedUpload.TooLarge(predictions.MaxUploadBytes, "Dashboard__MaxUploadBytes").Message, statusCode: StatusCodes.Status413PayloadTooLarge);
            try
            {
                Stream wav;
                if (request.HasFormContentType)
                {
                    var form = await request.ReadFormAsync(cancel);
                    var file = form.Files.GetFile("file");
                    if (file is null)
                        return Results.Problem("the form has no field 'file' holding the WAV", statusCode: StatusCodes.Status400BadRequest);
                    wav = file.OpenReadStream();
                }
                else
                {
                    wav = request.Body;
                }
                await using (wav)
                {
                    if (!TimelineQuery(request.Query, out var timeline, out var problem)) return problem;
                    return timeline is null
                        ? Results.Json(await predictions.PredictAsync(id, wav, cancel), DashboardJson.Options)
                        : Results.Json(await predictions.TimelineAsync(id, wav, timeline, cancel), DashboardJson.Options);
                }
            }
            catch (PredictionRefused refused)
            {
                return Results.Problem(refused.Message, statusCode: refused.Status);
            }
            catch (InvalidDataException e) // a multipart body over the form limits
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge);
            }
        }).DisableAntiforgery();

    /// <summary>Reads timeline=true, window, hop; false with a 400 problem when a value does not parse.</summary>
    private static bool TimelineQuery(IQueryCollection query, out TimelineOptions? options, out IResult problem)
    {
        options = null;
        problem = Results.Empty;
        if (!query.TryGetValue("timeline", out var flag)) return true;
        if (!bool.TryParse(flag, out var wanted))
        {
            problem = Results.Problem($"timeline={flag} is not true or false", statusCode: StatusCodes.Status400BadRequest);
            return false;
        }
        if (!wanted) return true;
        double? Seconds(string name, out bool ok)
        {
            ok = true;
            if (!query.TryGetValue(name, out var text)) return null;
            ok = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value);
            return value;
        }
        var window = Seconds("window", out var windowOk);
        var hop = Seconds("hop", out var hopOk);
        if (!windowOk || !hopOk)
        {
            problem = Results.Problem($"{(windowOk ? "hop" : "window")} must be a number of seconds", statusCode: StatusCodes.Status400BadRequest);
            return false;
        }
        options = new TimelineOptions { WindowSeconds = window };
        if (hop is { } h) options = options with { HopSeconds = h };
        return true;
    }
}
