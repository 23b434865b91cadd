using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>A small bundle trained once on real RAVDESS files (Actor_01..04) for the `serve` tests of one class.</summary>
public sealed class ServedModel : IAsyncLifetime
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "sersweep-cli-tests-features");

    public string BundlePath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var run = await CliProcess.RunAsync("train", "--json", "--out", TestPaths.NewTempDir(), "--cache", Cache,
            "--set", $"data.path={TestPaths.Ravdess}", "--set", "features.n_mels=32", "--set", "features.hop_length=320",
            "--set", "model.channels=[8, 16]", "--set", "training.epochs=2", "--set", "training.batch_size=16");
        Assert.True(run.ExitCode == 0, $"train exit {run.ExitCode}: {run.Stderr}");
        BundlePath = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("bundle").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>`sersweep serve` as a child process on a free loopback port, up once /healthz answers, killed on dispose.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stderr = new();

    public Uri Url { get; }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    private ServeProcess(Process process, Uri url)
    {
        this.process = process;
        Url = url;
    }

    public static async Task<ServeProcess> StartAsync(string bundle, params string[] options)
    {
        var url = new Uri($"http://127.0.0.1:{Ports.Free().ToString(CultureInfo.InvariantCulture)}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[CliProcess.CliDll, "serve", bundle, "--urls", url.ToString().TrimEnd('/'), .. options])
            psi.ArgumentList.Add(arg);
        var serve = new ServeProcess(Process.Start(psi)!, url);
        serve.process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (serve.stderr) serve.stderr.AppendLine(line); };
        serve.process.OutputDataReceived += (_, _) => { };
        serve.process.BeginErrorReadLine();
        serve.process.BeginOutputReadLine();
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (serve.process.HasExited) throw new InvalidOperationException($"serve exited with {serve.process.ExitCode}: {serve.Stderr}");
                try
                {
                    return (await serve.Http.GetAsync(new Uri(url, "/healthz"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromMinutes(1), "serve to answer /healthz", TimeSpan.FromMilliseconds(200));
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
        return serve;
    }

    public string Stderr
    {
        get { lock (stderr) return stderr.ToString(); }
    }

    public async Task<JsonElement> HealthAsync() =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(Url, "/healthz"))).RootElement;

    /// <param name="expectContinue">Send the headers first and the body only on "100 Continue", as curl does for large
    /// bodies: a body the server refuses by its Content-Length is then never sent, so the refusal cannot race a reset.</param>
    public Task<HttpResponseMessage> PredictAsync(byte[] body, bool expectContinue = false) =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Url, "/predict"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("audio/wav") } },
            Headers = { ExpectContinue = expectContinue },
        });

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        process.Dispose();
        Http.Dispose();
    }
}
