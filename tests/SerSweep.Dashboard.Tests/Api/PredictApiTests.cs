using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Training;
using SerSweep.Training.Onnx;

namespace SerSweep.Dashboard.Tests.Api;

/// <summary>POST /api/models/{id}/predict with a real model bundle and real RAVDESS audio (runs under deploy/torch-runtime).</summary>
public sealed class PredictApiTests : IAsyncLifetime
{
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;
    private HttpClient client = default!;
    private string bundle = default!;

    public async Task InitializeAsync()
    {
        bundle = await RealModel.BundlePathAsync();
        seeded = await SeededSweep.CreateAsync(bundle);
        server = await DashboardServer.StartAsync(seeded.DatabasePath, configure: options => options.MaxUploadBytes = 1024 * 1024);
        client = server.Client();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    private string PredictUrl => $"/api/models/{seeded.BestTrialId}/predict";

    private static ByteArrayContent Wav(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return content;
    }

    [Fact]
    public async Task With_timeline_true_answers_the_predictors_timeline_of_the_whole_recording()
    {
        var response = await client.PostAsync(PredictUrl + "?timeline=true&hop=0.25", Wav(await File.ReadAllBytesAsync(RealModel.AngryWav)));
        response.EnsureSuccessStatusCode();
        var timeline = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("timeline");

        using var predictor = Predictor.Load(bundle);
        var expected = Training.Timelines.Timeline.FromFile(predictor, RealModel.AngryWav, new() { HopSeconds = 0.25 });
        Assert.Equal(0.25, timeline.GetProperty("hop_seconds").GetDouble());
        Assert.Equal(expected.Seconds, timeline.GetProperty("seconds").GetDouble(), 9);
        Assert.Equal(expected.Segments.Select(s => $"{s.Label} {s.Start:R}-{s.End:R}"),
            timeline.GetProperty("segments").EnumerateArray().Select(s => $"{s.GetProperty("label").GetString()} {s.GetProperty("start").GetDouble():R}-{s.GetProperty("end").GetDouble():R}"));
        Assert.Equal(expected.Windows.Count, timeline.GetProperty("windows").GetArrayLength());
        // The waveform's envelope for drawing: at most 1 000 columns, each the min and max of its span.
        var envelope = timeline.GetProperty("envelope");
        Assert.Equal(expected.Envelope.ColumnSeconds, envelope.GetProperty("column_seconds").GetDouble(), 12);
        Assert.Equal(expected.Envelope.Min, envelope.GetProperty("min").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(expected.Envelope.Max, envelope.GetProperty("max").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(PredictUrl + "?timeline=true&hop=abc", Wav(await File.ReadAllBytesAsync(RealModel.AngryWav)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(PredictUrl + "?timeline=true&window=60", Wav(await File.ReadAllBytesAsync(RealModel.AngryWav)))).StatusCode);
    }

    [Fact]
    public async Task Predicts_a_real_wav_exactly_as_the_predictor_does()
    {
        var response = await client.PostAsync(PredictUrl, Wav(await File.ReadAllBytesAsync(RealModel.AngryWav)));
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        using var predictor = Predictor.Load(bundle);
        var expected = predictor.PredictFiles([RealModel.AngryWav])[0];
        Assert.Equal(expected.Emotion.ToString().ToLowerInvariant(), answer.GetProperty("emotion").GetString());
        var probabilities = answer.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(8, probabilities.Count);
        Assert.Equal(1.0, probabilities.Values.Sum(), 4);
        foreach (var (emotion, p) in expected.Probabilities)
            Assert.Equal(p, probabilities[emotion.ToString().ToLowerInvariant()], 6);
    }

    [Fact]
    public async Task Accepts_the_wav_as_a_multipart_file_field()
    {
        using var form = new MultipartFormDataContent { { Wav(await File.ReadAllBytesAsync(RealModel.AngryWav)), "file", "angry.wav" } };
        var response = await client.PostAsync(PredictUrl, form);
        response.EnsureSuccessStatusCode();
        Assert.Equal(8, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("probabilities").EnumerateObject().Count());
    }

    [Fact]
    public async Task A_file_that_is_not_wav_is_400_with_the_decoder_reason()
    {
        var response = await client.PostAsync(PredictUrl, Wav("this is not audio at all"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a WAV file", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413()
    {
        var response = await client.PostAsync(PredictUrl, Wav(new byte[2 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_trial_without_a_model_is_404()
    {
        var wav = await File.ReadAllBytesAsync(RealModel.AngryWav);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/models/{seeded.TrialIds[1]}/predict", Wav(wav))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/models/424242/predict", Wav(wav))).StatusCode);
    }

    [Fact]
    public async Task A_trials_model_downloads_as_onnx_with_its_metadata()
    {
        var (response, bytes) = await ZipDownload.GetAsync(client, $"/api/trials/{seeded.BestTrialId}/onnx", "ravdess-cnn-trial6-onnx.zip");
        response.Dispose();

        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal(["model.json", "model.onnx"], zip.Entries.Select(e => e.FullName).Order());
        byte[] Entry(string name)
        {
            using var stream = zip.GetEntry(name)!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        // The very graph and metadata `sersweep export --format onnx` writes for the bundle (checked in ONNX Runtime by Training.Tests).
        var (model, metadata) = OnnxExport.Create(ModelBundle.Load(bundle), "model.onnx");
        Assert.Equal(model, Entry("model.onnx"));
        Assert.Equal(metadata, Entry("model.json"));

        var standIn = await client.GetAsync($"/api/trials/{seeded.TrialIds[0]}/onnx");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, standIn.StatusCode);
        Assert.Contains("cannot be exported as ONNX", await standIn.Content.ReadAsStringAsync());
    }
}
