using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SerSweep.Dashboard.Prediction;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// <c>POST /api/models/{trialId}/predict</c>: a WAV as the raw body (audio/wav) or as the multipart field
/// <c>file</c>; answers the emotion and every class probability. Size-limited, decoded by the training decoder.
/// </summary>
internal static class PredictApi
{
    public static void MapPredictApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/models/{id:long}/predict", async (long id, HttpRequest request, ModelPredictions predictions, CancellationToken cancel) =>
        {
            if (request.ContentLength > predictions.MaxUploadBytes)
                return Results.Problem($"the upload is larger than the limit of {predictions.MaxUploadBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
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
                    return Results.Json(await predictions.PredictAsync(id, wav, cancel), DashboardJson.Options);
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
}
