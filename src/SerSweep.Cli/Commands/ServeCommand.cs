using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Cli.Serving;
using SerSweep.Training.Serving;

namespace SerSweep.Cli.Commands;

/// <summary>
/// `sersweep serve MODEL`: a prediction service over one bundle (<c>POST /predict</c>, <c>GET /healthz</c>) that answers
/// concurrent requests by batching their forward passes (<see cref="MicroBatcher"/>), until Ctrl+C.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model bundle (.zip) written by train or a sweep; verified (manifest SHA-256) before serving." };
        var urls = new Option<string>("--urls") { Description = "Where the service listens (port 0: any free port). Loopback by default: the service has no authentication.", DefaultValueFactory = _ => "http://127.0.0.1:5090" };
        var maxBatch = new Option<int>("--max-batch") { Description = "Requests per forward pass at most.", DefaultValueFactory = _ => 16 };
        var maxWait = new Option<double>("--max-wait-ms") { Description = "How long a request waits for others to share its forward pass, in ms.", DefaultValueFactory = _ => 5 };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait for the model at once; beyond it requests get 503 with Retry-After.", DefaultValueFactory = _ => 256 };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body; larger ones get 413.", DefaultValueFactory = _ => 16L * 1024 * 1024 };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch threads per operation. Default 1: concurrent requests are the parallelism (features on the request threads, the batched forward on its own).",
            DefaultValueFactory = _ => 1,
        };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Longest recording; longer ones get 413 (long recordings belong to predict --timeline).", DefaultValueFactory = _ => 60 };
        var command = new Command("serve", "Serve predictions of a model bundle over HTTP (POST /predict with a WAV, MP3 or FLAC body; GET /healthz), batching concurrent requests, until Ctrl+C.")
        {
            model, urls, maxBatch, maxWait, queue, maxBody, maxSeconds, threads,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var batching = new MicroBatchOptions(parse.GetValue(maxBatch), TimeSpan.FromMilliseconds(parse.GetValue(maxWait)), parse.GetValue(queue));
            var limits = new ServeLimits(parse.GetValue(maxBody), parse.GetValue(maxSeconds), batching);
            Validate(limits);
            if (parse.GetValue(threads) < 1) throw new UserInputException($"--threads must be >= 1, got {parse.GetValue(threads)}");
            // Process-wide in libtorch: with more than one, every request thread's small ops would fork an OpenMP team of
            // their own and the teams would fight over the cores (GOMP_parallel was the largest kernel-time caller).
            TorchSharp.torch.set_num_threads(parse.GetValue(threads));
            var path = Path.GetFullPath(parse.GetValue(model)!);
            using var predictor = PredictCommand.LoadPredictor(path);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            using var batcher = new MicroBatcher(predictor, batching);
            var address = parse.GetValue(urls)!;
            await using var app = PredictionService.Build(predictor, batcher, path, sha256, limits, address);
            await app.StartAsync(cancel);
            // With port 0 the bound address is known only now; scripts and tests read it from this line.
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            if (!PredictionService.LoopbackOnly(address))
                Console.Error.WriteLine("serve: warning: listening beyond loopback; the service has no authentication, put it behind a proxy that has");
            Console.Error.WriteLine($"serve: {path} (sha256 {sha256}) on {string.Join(' ', bound)}  (POST /predict, GET /healthz; Ctrl+C to stop)");
            await app.WaitForShutdownAsync(cancel);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Validate(ServeLimits limits)
    {
        try
        {
            limits.Batching.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--max-batch, --max-wait-ms, --queue: {e.Message}");
        }
        if (limits.MaxBodyBytes < 1) throw new UserInputException($"--max-body-bytes must be >= 1, got {limits.MaxBodyBytes}");
        if (!(limits.MaxSeconds > 0)) throw new UserInputException($"--max-seconds must be > 0, got {limits.MaxSeconds}");
    }
}
