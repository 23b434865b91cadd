using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Training;
using SerSweep.Training.Bundles;
using SerSweep.Training.Timelines;

namespace SerSweep.Dashboard.Prediction;

/// <summary>The emotion a trial's model hears in one WAV, and every class probability (by emotion name).</summary>
public sealed record PredictionView(long TrialId, string Emotion, IReadOnlyDictionary<string, double> Probabilities);

/// <summary>The emotion timeline a trial's model finds in a whole recording (see <see cref="Timeline"/>): segments and per-window probabilities.</summary>
public sealed record TimelineView(long TrialId, TimelineReport Timeline);

/// <summary>Why a prediction was refused, as the HTTP status the API answers with and a message naming the cause.</summary>
public sealed class PredictionRefused(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// "Deployed" models: predicts with the bundle of a trial, through the same WAV decoder and feature pipeline as
/// training (<see cref="Predictor.PredictFiles"/>). The last used predictor stays loaded; one prediction runs at a
/// time (a CNN forward on one clip takes milliseconds, and TorchSharp modules are not shared across threads).
/// </summary>
public sealed class ModelPredictions(SweepQueries queries, IOptions<DashboardOptions> options) : IDisposable
{
    private static readonly Histogram<double> PredictionSeconds = SerSweepMeter.Meter.CreateHistogram("sersweep.prediction.duration", "s",
        "Time to predict one uploaded file (the dashboard's 'try it').", advice: SerSweepMeter.Seconds);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Sha256, Predictor Predictor)? loaded;

    public long MaxUploadBytes => options.Value.MaxUploadBytes;

    public Task<PredictionView> PredictAsync(long trialId, Stream wav, CancellationToken cancel = default) =>
        WithPredictorAsync(trialId, wav, (predictor, upload) =>
        {
            var prediction = predictor.PredictFiles([upload])[0];
            return new PredictionView(trialId, prediction.Emotion.Name(), prediction.Probabilities.ToDictionary(p => p.Key.Name(), p => p.Value));
        }, cancel);

    /// <summary>The timeline of the whole upload; bad window or hop values are refused with 400.</summary>
    public Task<TimelineView> TimelineAsync(long trialId, Stream wav, TimelineOptions timelineOptions, CancellationToken cancel = default) =>
        WithPredictorAsync(trialId, wav, (predictor, upload) =>
        {
            try
            {
                return new TimelineView(trialId, Timeline.FromFile(predictor, upload, timelineOptions).ToReport());
            }
            catch (ArgumentException e)
            {
                throw new PredictionRefused(400, e.Message);
            }
        }, cancel);

    private async Task<T> WithPredictorAsync<T>(long trialId, Stream wav, Func<Predictor, string, T> run, CancellationToken cancel)
    {
        var details = await queries.GetTrialAsync(trialId, cancel) ?? throw new PredictionRefused(404, $"no trial with id {trialId}");
        var bundle = details.Bundle ?? throw new PredictionRefused(404, $"trial {trialId} has no model bundle");
        var upload = Path.Combine(Path.GetTempPath(), $"sersweep-predict-{Guid.NewGuid():N}.wav");
        try
        {
            await SaveLimitedAsync(wav, upload, cancel);
            await gate.WaitAsync(cancel);
            try
            {
                var predictor = Load(bundle.Path, bundle.Sha256);
                var started = Stopwatch.GetTimestamp();
                var result = await Task.Run(() => run(predictor, upload), cancel);
                PredictionSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                return result;
            }
            finally
            {
                gate.Release();
            }
        }
        catch (WavFormatException e)
        {
            throw new PredictionRefused(400, $"not a WAV file this decoder reads: {e.Detail}");
        }
        catch (BundleFormatException e)
        {
            throw new PredictionRefused(500, $"the model bundle of trial {trialId} cannot be used: {e.Reason}");
        }
        finally
        {
            File.Delete(upload);
        }
    }

    private Predictor Load(string path, string sha256)
    {
        if (loaded is { } current && current.Sha256 == sha256)
            return current.Predictor;
        if (!File.Exists(path))
            throw new PredictionRefused(410, $"the bundle is recorded at {path} but the file is gone");
        loaded?.Predictor.Dispose();
        loaded = (sha256, Predictor.Load(path));
        return loaded.Value.Predictor;
    }

    /// <summary>Copies the upload to a file, refusing it as soon as it passes the size limit (nothing larger is kept).</summary>
    private async Task SaveLimitedAsync(Stream wav, string path, CancellationToken cancel)
    {
        await using var file = File.Create(path);
        if (await LimitedUpload.CopyAsync(wav, file, MaxUploadBytes, "Dashboard__MaxUploadBytes", cancel) == 0)
            throw new PredictionRefused(400, "the upload is empty: send the WAV file as the request body or as the form field 'file'");
    }

    public void Dispose()
    {
        loaded?.Predictor.Dispose();
        gate.Dispose();
    }
}
