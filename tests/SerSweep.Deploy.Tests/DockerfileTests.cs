using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// deploy/Dockerfile cannot be built here (no Docker engine); these check what the issue asks of it,
/// read from the file: multi-stage on the .NET 10 images, non-root, one image for every role, health check.
/// </summary>
public class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "deploy", "Dockerfile"))
        .Where(l => !l.TrimStart().StartsWith('#') && l.Trim().Length > 0).ToArray();

    [Fact]
    public void Builds_on_the_sdk_and_runs_on_the_aspnet_runtime_image()
    {
        var froms = Lines.Where(l => l.StartsWith("FROM ")).ToArray();

        Assert.Equal(2, froms.Length);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[1]);
    }

    [Fact]
    public void Runs_as_the_non_root_app_user_with_a_health_check()
    {
        var runtime = Lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet")).ToArray();

        Assert.Contains("USER $APP_UID", runtime);
        Assert.Contains(runtime, l => l.StartsWith("HEALTHCHECK") && l.Contains("sersweep-healthcheck"));
        Assert.Contains(runtime, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"/app/sersweep.dll\"]"));
        Assert.DoesNotContain(Lines, l => l.Contains("torch-runtime"));
    }

    [Fact]
    public void Copies_every_src_project_for_the_restore_layer()
    {
        var projects = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "src")).Select(Path.GetFileName).ToArray();

        foreach (var project in projects)
            Assert.Contains(Lines, l => l.StartsWith($"COPY src/{project}/{project}.csproj"));
    }
}
