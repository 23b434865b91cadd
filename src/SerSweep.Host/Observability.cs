using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SerSweep.Cluster.Telemetry;
using SerSweep.Core;

namespace SerSweep.Host;

public enum LogFormat
{
    /// <summary>One readable line per message.</summary>
    Text,
    /// <summary>One JSON object per line, with the message's and its scopes' fields as properties (for log collectors).</summary>
    Json,
}

/// <summary>
/// How a silo is watched: console logs (text or JSON), OpenTelemetry metrics served at <c>/metrics</c> in Prometheus
/// text format, and metrics and traces sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class Observability
{
    public const string MetricsPath = "/metrics";
    /// <summary>Orleans' meter and activity sources, and .NET's built-in runtime meter (GC, thread pool, CPU, memory).</summary>
    private static readonly string[] FrameworkMeters = ["Microsoft.Orleans", "System.Runtime"];
    private static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private static bool OtlpConfigured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));

    /// <summary>
    /// The URLs /metrics is served at: --metrics-urls, and on a coordinator also the dashboard's own URLs when they are
    /// all loopback (nothing leaves the host unless an operator says so).
    /// </summary>
    public static bool ServesMetrics(SiloHostOptions options) =>
        options.MetricsUrls is not null || (options.Coordinates && AllLoopback(options.Urls));

    public static void AddSerSweepLogging(this ILoggingBuilder logging, LogFormat format)
    {
        // Logs go to stderr (stdout is for --json) and say what SerSweep does; the frameworks only speak up on errors.
        logging.AddConsole(c =>
            {
                c.LogToStandardErrorThreshold = LogLevel.Trace;
                c.FormatterName = format == LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
            })
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("SerSweep", LogLevel.Information)
            .AddFilter("Orleans", LogLevel.Error)
            .AddFilter("Polly", LogLevel.Error)
            .AddFilter("Microsoft", LogLevel.Error);
        if (format == LogFormat.Json)
            logging.AddJsonConsole(j =>
            {
                // The attempt's scope carries sweep, trial, attempt and silo into every message logged while it runs.
                j.IncludeScopes = true;
                j.UseUtcTimestamp = true;
                j.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                j.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
    }

    /// <summary>Collects metrics (and traces, for OTLP) only when something reads them: otherwise SerSweep's instruments have no listener and cost nothing.</summary>
    public static void AddSerSweepTelemetry(this IServiceCollection services, SiloHostOptions options)
    {
        var prometheus = ServesMetrics(options);
        var otlp = OtlpConfigured;
        if (!prometheus && !otlp) return;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("sersweep", serviceInstanceId: $"{options.Role}-{Environment.MachineName}-{options.SiloPort}"))
            .WithMetrics(m =>
            {
                m.AddMeter([SerSweepMeter.Name, .. FrameworkMeters]);
                // No response cache: a scrape right after an event must count it (the exporter caches 300 ms by default).
                if (prometheus) m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp) m.AddOtlpExporter();
            });
        if (otlp) telemetry.WithTracing(t => t.AddSerSweepTraces().AddOtlpExporter());
    }

    /// <summary>The trial traces: SerSweep's spans and Orleans' call spans within them (<see cref="TrialTraceSampler"/>).</summary>
    public static TracerProviderBuilder AddSerSweepTraces(this TracerProviderBuilder tracing) =>
        tracing.AddSource([SweepTracing.SourceName, .. OrleansActivitySources]).SetSampler(TrialTraceSampler.Instance);

    /// <summary>
    /// Maps /metrics. On the --metrics-urls ports nothing else answers, so opening them to a network does not open the
    /// dashboard; /metrics is an endpoint of its own, not a dashboard page, and never needs the dashboard's token.
    /// </summary>
    public static void MapSerSweepMetrics(this WebApplication app, SiloHostOptions options)
    {
        if (!ServesMetrics(options)) return;
        if (options.Coordinates && options.MetricsUrls is { } urls)
        {
            var metricsPorts = Split(urls).Select(u => new Uri(u).Port).ToHashSet();
            app.Use(async (context, next) =>
            {
                if (metricsPorts.Contains(context.Connection.LocalPort) && context.Request.Path != MetricsPath)
                {
                    context.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound;
                    return;
                }
                await next(context);
            });
        }
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    /// <summary>The URLs the silo's web host listens on: the dashboard's (coordinator) and the metrics listener's; none on a worker without metrics.</summary>
    public static string[] WebUrls(SiloHostOptions options) =>
        [.. options.Coordinates ? Split(options.Urls) : [], .. options.MetricsUrls is { } metrics ? Split(metrics) : []];

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool AllLoopback(string urls) => Split(urls).All(u =>
        Uri.TryCreate(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host == "localhost"));
}
