using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SerSweep.Core;
using SerSweep.Dashboard.Control;
using SerSweep.Dashboard.Data;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// JSON for scripts: sweeps, their trials (a leaderboard page, sorted and filtered in SQL), one trial, and the
/// model bundles. Ids are route-constrained integers looked up in the database; a file path never comes from the
/// URL, only from the artifact row, so there is nothing to traverse. Unknown ids are 404.
/// </summary>
internal static class SweepApi
{
    public static void MapSweepApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");

        api.MapGet("/sweeps", async (SweepQueries queries, CancellationToken cancel) =>
            Results.Json(await queries.ListSweepsAsync(cancel), DashboardJson.Options));

        api.MapGet("/sweeps/{id:long}", async (long id, SweepQueries queries, CancellationToken cancel) =>
            await queries.GetSweepSummaryAsync(id, cancel) is { } summary && await queries.GetSweepAsync(id, cancel) is { } sweep
                ? Results.Json(new { summary, yaml = sweep.YamlText, sweep.Error }, DashboardJson.Options)
                : NoSweep(id));

        api.MapGet("/sweeps/{id:long}/front", async (long id, SweepQueries queries, CancellationToken cancel) =>
        {
            if (await queries.GetSweepAsync(id, cancel) is not { } sweep)
                return NoSweep(id);
            return await SweepFront.OfAsync(queries, sweep, cancel) is { } front
                ? Results.Json(front, DashboardJson.Options)
                : Results.Problem($"sweep {id} has one objective: its best is one trial (/api/sweeps/{id}/best-model)", statusCode: StatusCodes.Status404NotFound);
        });

        api.MapGet("/sweeps/{id:long}/trials", async (long id, HttpRequest request, SweepQueries queries, CancellationToken cancel) =>
        {
            if (await queries.GetSweepAsync(id, cancel) is null)
                return NoSweep(id);
            if (LeaderboardRequest.Parse(request.Query) is not { } query)
                return LeaderboardRequest.BadRequest(request.Query);
            try
            {
                return Results.Json(await queries.LeaderboardAsync(id, query, cancel), DashboardJson.Options);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });

        api.MapGet("/trials/{id:long}", async (long id, SweepQueries queries, CancellationToken cancel) =>
        {
            if (await queries.GetTrialAsync(id, cancel) is not { } details)
                return NoTrial(id);
            var trial = details.Trial;
            return Results.Json(new
            {
                trial.Id, trial.SweepId, trial.Index, trial.Status, trial.Seed, trial.Attempts, trial.Silo,
                trial.ObjectiveValue, trial.LastEpoch, trial.StopReason, trial.FailureClass, trial.FailureMessage,
                trial.StartedAt, trial.FinishedAt,
                Parameters = StoredJson.ReadParameters(trial.ParametersJson),
                AttemptHistory = details.Attempts.Select(a => new { a.Number, a.Silo, a.ResumedFromEpoch, a.StartedAt, a.FinishedAt, a.Outcome, a.FailureClass, a.FailureMessage }),
                Epochs = details.Epochs.Select(e => new { e.Epoch, e.Attempt, e.TrainLoss, e.TrainAccuracy, e.ValLoss, e.ValAccuracy, e.ValMacroF1, e.ValUar, e.LearningRate, e.Seconds }),
                Metrics = Views.TrialViews.FinalMetrics(details.Result),
                details.PerClass,
                details.PerActor,
                details.Confusion,
                Bundle = details.Bundle is { } b ? new { b.Sha256, b.SizeBytes, Url = $"/api/trials/{trial.Id}/model", OnnxUrl = $"/api/trials/{trial.Id}/onnx" } : null,
            }, DashboardJson.Options);
        });

        api.MapGet("/sweeps/{id:long}/best-model", async (long id, SweepQueries queries, HttpContext context, CancellationToken cancel) =>
        {
            if (await queries.GetSweepAsync(id, cancel) is not { } sweep)
                return NoSweep(id);
            if (await queries.BestTrialAsync(id, cancel) is not { } best)
                return Results.Problem($"sweep {id} has no finished trial yet", statusCode: StatusCodes.Status404NotFound);
            return await BundleDownload.ServeAsync(context, sweep, best.Trial, best.Bundle);
        });

        api.MapGet("/trials/{id:long}/model", async (long id, SweepQueries queries, HttpContext context, CancellationToken cancel) =>
        {
            if (await queries.GetTrialAsync(id, cancel) is not { } details)
                return NoTrial(id);
            var sweep = await queries.GetSweepAsync(details.Trial.SweepId, cancel);
            return await BundleDownload.ServeAsync(context, sweep!, details.Trial, await ModelOfAsync(queries, details, cancel));
        });

        api.MapGet("/trials/{id:long}/onnx", async (long id, SweepQueries queries, CancellationToken cancel) =>
        {
            if (await queries.GetTrialAsync(id, cancel) is not { } details)
                return NoTrial(id);
            var sweep = await queries.GetSweepAsync(details.Trial.SweepId, cancel);
            return await BundleDownload.ServeOnnxAsync(sweep!, details.Trial, await ModelOfAsync(queries, details, cancel));
        });

        api.MapPost("/sweeps", async (HttpRequest request, IServiceProvider services, CancellationToken cancel) =>
        {
            if (services.GetService(typeof(ISweepControl)) is not ISweepControl control)
                return ReadOnly();
            using var reader = new StreamReader(request.Body);
            var yaml = await reader.ReadToEndAsync(cancel);
            var (sweep, errors) = await control.LaunchAsync(yaml);
            if (sweep is null)
                return Results.Json(new { errors = errors.Select(e => new { e.Line, e.Column, e.Message, e.Hint }) }, DashboardJson.Options,
                    statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new { sweep.Id, url = $"/sweeps/{sweep.Id}" }, DashboardJson.Options, statusCode: StatusCodes.Status201Created);
        }).DisableAntiforgery();

        MapControl(api, "pause", (control, id) => control.PauseAsync(id));
        api.MapPost("/sweeps/{id:long}/resume", async (long id, HttpRequest request, SweepQueries queries, IServiceProvider services, CancellationToken cancel) =>
        {
            if (services.GetService(typeof(ISweepControl)) is not ISweepControl control)
                return ReadOnly();
            if (await queries.GetSweepAsync(id, cancel) is null)
                return NoSweep(id);
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(cancel);
            if (string.IsNullOrWhiteSpace(body))
            {
                await control.ResumeAsync(id);
                return Results.NoContent();
            }
            var (limits, error) = ResumeRequest.Parse(body);
            error ??= await control.ResumeAsync(id, limits!);
            return error is null ? Results.NoContent() : Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }).DisableAntiforgery();
        MapControl(api, "stop", (control, id) => control.StopAsync(id));
    }

    private static void MapControl(RouteGroupBuilder api, string verb, Func<ISweepControl, long, Task> act) =>
        api.MapPost($"/sweeps/{{id:long}}/{verb}", async (long id, SweepQueries queries, IServiceProvider services, CancellationToken cancel) =>
        {
            if (services.GetService(typeof(ISweepControl)) is not ISweepControl control)
                return ReadOnly();
            if (await queries.GetSweepAsync(id, cancel) is null)
                return NoSweep(id);
            await act(control, id);
            return Results.NoContent();
        }).DisableAntiforgery();

    private static IResult NoSweep(long id) => Results.Problem($"no sweep with id {id}", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A trial's model: its own bundle (a trial or a fold), or for a cross-validated trial its refit's, as <c>export --trial</c> takes it.</summary>
    private static async Task<Storage.Entities.Artifact?> ModelOfAsync(SweepQueries queries, TrialDetails details, CancellationToken cancel) =>
        details.Bundle ?? (await queries.TrialWithBundleAsync(details.Trial.SweepId, details.Trial.Id, cancel))?.Bundle;

    private static IResult NoTrial(long id) => Results.Problem($"no trial with id {id}", statusCode: StatusCodes.Status404NotFound);

    private static IResult ReadOnly() =>
        Results.Problem("this host does not run a coordinator; start sweeps with `sersweep sweep` or `sersweep silo --role coordinator`",
            statusCode: StatusCodes.Status409Conflict);
}
