using System.Diagnostics;
using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// docker-compose.yml as the docker client's compose plugin reads it (`docker compose config`):
/// no engine is needed for that, and CI installs the plugin (deploy/install-compose-plugin).
/// </summary>
public class ComposeFileTests
{
    private sealed record ComposeRun(int ExitCode, string Stdout, string Stderr);

    /// <summary>`docker compose -f docker-compose.yml ARGS` with every variable the file reads cleared, then <paramref name="env"/> applied.</summary>
    private static ComposeRun Compose(string[] args, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo("docker") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "compose", "-f", "docker-compose.yml" }.Concat(args)) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "WORKER_SLOTS", "THREADS_PER_TRIAL", "SERSWEEP_DASHBOARD_TOKEN" }) psi.Environment.Remove(name);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return new ComposeRun(p.ExitCode, stdout.Result, stderr);
    }

    private static JsonElement Config(params (string Key, string Value)[] env)
    {
        var run = Compose(["config", "--format", "json"], env);
        Assert.True(run.ExitCode == 0, $"docker compose config failed ({run.ExitCode}): {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    private static string[] Command(JsonElement service) =>
        service.GetProperty("command").EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static JsonElement[] Mounts(JsonElement service) =>
        service.TryGetProperty("volumes", out var volumes) ? volumes.EnumerateArray().ToArray() : [];

    private static string? Source(JsonElement mount) => mount.TryGetProperty("source", out var source) ? source.GetString() : null;

    [Fact]
    public void Config_is_valid_with_no_variables_set()
    {
        var run = Compose(["config", "-q"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("variable is not set", run.Stderr);
    }

    [Fact]
    public void Has_redis_coordinator_and_worker_with_named_volumes_for_redis_and_the_coordinator_only()
    {
        var config = Config();
        var services = config.GetProperty("services");

        Assert.Equal(["coordinator", "redis", "worker"], services.EnumerateObject().Select(s => s.Name).Order().ToArray());
        Assert.Equal(["coordinator", "redis"], config.GetProperty("volumes").EnumerateObject().Select(v => v.Name).Order().ToArray());
        Assert.True(services.GetProperty("redis").TryGetProperty("healthcheck", out _));
        Assert.All(services.EnumerateObject(), s => Assert.Equal("unless-stopped", s.Value.GetProperty("restart").GetString()));
    }

    [Fact]
    public void No_service_mounts_another_services_volume_or_folder()
    {
        var services = Config().GetProperty("services").EnumerateObject().ToArray();

        // Every named volume and every host folder is mounted by one service at most: containers share only the network.
        var owners = services
            .SelectMany(s => Mounts(s.Value).Where(m => Source(m) is not null).Select(m => (Source: Source(m)!, Service: s.Name)))
            .GroupBy(m => m.Source)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Service).Distinct().ToArray());
        Assert.All(owners, o => Assert.True(o.Value.Length == 1, $"{o.Key} is mounted by {string.Join(", ", o.Value)}"));
        Assert.Equal(["redis"], owners["redis"]);
        Assert.Equal(["coordinator"], owners["coordinator"]);
    }

    [Fact]
    public void Workers_need_no_audio_and_keep_checkpoints_and_features_in_scratch_space_of_their_own()
    {
        var worker = Config().GetProperty("services").GetProperty("worker");

        var command = Command(worker);
        Assert.DoesNotContain(command, a => a.StartsWith("--data", StringComparison.Ordinal) || a.StartsWith("--db", StringComparison.Ordinal));
        Assert.Contains("--artifacts=/var/lib/sersweep/artifacts", command);
        Assert.Contains("--cache=/var/lib/sersweep/cache", command);
        // One anonymous volume (no source: each replica of `--scale worker=N` gets a fresh one), no bind mount.
        var mount = Assert.Single(Mounts(worker));
        Assert.Equal("volume", mount.GetProperty("type").GetString());
        Assert.Null(Source(mount));
        Assert.Equal("/var/lib/sersweep", mount.GetProperty("target").GetString());
        Assert.False(worker.TryGetProperty("container_name", out _), "a fixed container name would forbid --scale");
        Assert.False(worker.TryGetProperty("ports", out _), "a published port would forbid --scale");
    }

    [Fact]
    public void Coordinator_serves_the_dashboard_on_5080_and_keeps_sqlite_bundles_and_audio_to_itself()
    {
        var coordinator = Config().GetProperty("services").GetProperty("coordinator");

        var port = coordinator.GetProperty("ports").EnumerateArray().Single();
        Assert.Equal(5080, port.GetProperty("target").GetInt32());
        Assert.Equal("5080", port.GetProperty("published").GetString());
        var command = Command(coordinator);
        Assert.Contains("--role=coordinator", command);
        Assert.Contains("--db=/var/lib/sersweep/sersweep.db", command);
        Assert.Contains("--artifacts=/var/lib/sersweep/artifacts", command);
        Assert.Contains("--data=/data/ravdess", command);
        Assert.Contains("--watch=/config/sweep.yaml", command);
        var mounts = Mounts(coordinator);
        Assert.Contains(mounts, m => m.GetProperty("type").GetString() == "volume" && Source(m) == "coordinator" && m.GetProperty("target").GetString() == "/var/lib/sersweep");
        Assert.Contains(mounts, m => m.GetProperty("target").GetString() == "/data/ravdess" && m.GetProperty("read_only").GetBoolean());
        Assert.Contains(mounts, m => m.GetProperty("target").GetString() == "/config/sweep.yaml" && m.GetProperty("read_only").GetBoolean());
        Assert.Equal("service_healthy", coordinator.GetProperty("depends_on").GetProperty("redis").GetProperty("condition").GetString());
    }

    [Fact]
    public void Workers_take_slots_and_threads_from_the_environment()
    {
        var worker = Config(("WORKER_SLOTS", "3"), ("THREADS_PER_TRIAL", "2")).GetProperty("services").GetProperty("worker");

        var command = Command(worker);
        Assert.Contains("--role=worker", command);
        Assert.Contains("--slots=3", command);
        Assert.Contains("--threads-per-trial=2", command);
        Assert.Equal("2", worker.GetProperty("environment").GetProperty("OMP_NUM_THREADS").GetString());
        Assert.StartsWith("glibc.malloc.mmap_max=0", ReadDockerfileEnv("GLIBC_TUNABLES"));
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", ReadDockerfileEnv("LD_PRELOAD"));
        Assert.Equal("narenas:1,dirty_decay_ms:-1,muzzy_decay_ms:-1", ReadDockerfileEnv("MALLOC_CONF"));
        Assert.Equal("service_healthy", worker.GetProperty("depends_on").GetProperty("coordinator").GetProperty("condition").GetString());
    }

    [Fact]
    public void Coordinator_passes_a_given_token_to_the_dashboard_and_an_empty_one_when_none_is_given()
    {
        var given = Config(("SERSWEEP_DASHBOARD_TOKEN", "test-token")).GetProperty("services").GetProperty("coordinator");
        var none = Config().GetProperty("services").GetProperty("coordinator");

        Assert.Equal("test-token", given.GetProperty("environment").GetProperty("Dashboard__Token").GetString());
        // Empty: the coordinator generates a token and keeps it on its volume (DashboardOptions.TokenFile).
        Assert.Equal("", none.GetProperty("environment").GetProperty("Dashboard__Token").GetString());
    }

    [Fact]
    public void Defaults_give_one_slot_and_one_thread()
    {
        var worker = Config().GetProperty("services").GetProperty("worker");

        Assert.Contains("--slots=1", Command(worker));
        Assert.Equal("1", worker.GetProperty("environment").GetProperty("OMP_NUM_THREADS").GetString());
    }

    // The monitoring profile (docker compose --profile monitoring up).

    [Fact]
    public void Monitoring_profile_adds_prometheus_and_grafana_from_official_images_only_when_asked()
    {
        var plain = Config().GetProperty("services");
        var run = Compose(["--profile", "monitoring", "config", "--format", "json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var monitored = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("services");

        Assert.False(plain.TryGetProperty("prometheus", out _), "Prometheus must run only with --profile monitoring");
        Assert.False(plain.TryGetProperty("grafana", out _), "Grafana must run only with --profile monitoring");
        Assert.StartsWith("prom/prometheus:v", monitored.GetProperty("prometheus").GetProperty("image").GetString());
        Assert.StartsWith("grafana/grafana:", monitored.GetProperty("grafana").GetProperty("image").GetString());
        Assert.Equal("9090", monitored.GetProperty("prometheus").GetProperty("ports").EnumerateArray().Single().GetProperty("published").GetString());
        Assert.Equal("3000", monitored.GetProperty("grafana").GetProperty("ports").EnumerateArray().Single().GetProperty("published").GetString());
    }

    [Fact]
    public void Prometheus_scrapes_the_port_every_silo_serves_metrics_on()
    {
        var services = Config().GetProperty("services");
        var scrape = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "monitoring", "prometheus.yml"));

        foreach (var silo in new[] { "coordinator", "worker" })
        {
            var url = Command(services.GetProperty(silo)).Single(a => a.StartsWith("--metrics-urls=", StringComparison.Ordinal));
            var port = new Uri(url["--metrics-urls=".Length..]).Port;
            Assert.True(scrape.Contains($"\"{silo}:{port}\"", StringComparison.Ordinal) || scrape.Contains($"[\"{silo}\"]\n        type: A\n        port: {port}", StringComparison.Ordinal),
                $"prometheus.yml does not scrape {silo} on port {port}");
            Assert.False(services.GetProperty(silo).TryGetProperty("ports", out var published) && published.EnumerateArray().Any(p => p.GetProperty("target").GetInt32() == port),
                $"{silo}'s metrics port {port} must stay inside the compose network");
        }
    }

    [Fact]
    public void Grafana_is_provisioned_with_the_prometheus_datasource_its_dashboard_queries()
    {
        var monitoring = Path.Combine(TestPaths.RepoRoot, "deploy", "monitoring", "grafana");
        var datasource = File.ReadAllText(Path.Combine(monitoring, "provisioning", "datasources", "prometheus.yml"));
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(monitoring, "dashboards", "sersweep.json"))).RootElement;

        Assert.Contains("url: http://prometheus:9090", datasource);
        var panels = dashboard.GetProperty("panels").EnumerateArray().ToArray();
        Assert.True(panels.Length >= 10, $"the dashboard has only {panels.Length} panels");
        foreach (var panel in panels)
        {
            Assert.Contains($"uid: {panel.GetProperty("datasource").GetProperty("uid").GetString()}", datasource);
            Assert.Contains(panel.GetProperty("targets").EnumerateArray(), t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()));
        }
    }

    private static string ReadDockerfileEnv(string name)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "Dockerfile"));
        var start = text.IndexOf(name + "=", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} not set in deploy/Dockerfile");
        return text[(start + name.Length + 1)..].Split([' ', '\n', '\\'], 2)[0];
    }
}
