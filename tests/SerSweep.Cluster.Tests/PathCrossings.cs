using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace SerSweep.Cluster.Tests;

/// <summary>
/// Gives each silo of an in-process cluster a private folder and records every grain call through which a silo
/// receives a path inside another silo's folder (as an argument it is called with, or a result it gets back). On
/// separate hosts such a path names a file the receiving silo cannot open.
/// </summary>
public sealed class PathCrossings(string root)
{
    private readonly ConcurrentDictionary<string, string> _roots = new();

    public ConcurrentQueue<string> Seen { get; } = new();

    public string RootOf(string siloName) => _roots.GetOrAdd(siloName, name => Path.Combine(root, name));

    public void Watch(IServiceCollection services, string siloName)
    {
        RootOf(siloName);
        var filter = new Filter(this, siloName);
        services.AddSingleton<IIncomingGrainCallFilter>(filter);
        services.AddSingleton<IOutgoingGrainCallFilter>(filter);
    }

    private void Check(string receiver, string what, object? value)
    {
        if (value is null or byte[]) return;
        string text;
        try { text = JsonSerializer.Serialize(value); }
        catch (Exception) { text = value.ToString() ?? ""; } // not every Orleans type serialises to JSON; its text is enough here
        foreach (var (silo, folder) in _roots)
            if (silo != receiver && (text.Contains(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || text.Contains($"\"{folder}\"", StringComparison.Ordinal)))
                Seen.Enqueue($"{receiver} got a path of {silo} through {what}: {text[..Math.Min(text.Length, 300)]}");
    }

    private sealed class Filter(PathCrossings crossings, string silo) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            for (var i = 0; i < context.Request.GetArgumentCount(); i++)
                crossings.Check(silo, $"an argument of {context.InterfaceMethod?.Name}", context.Request.GetArgument(i));
            return context.Invoke();
        }

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            crossings.Check(silo, $"the result of {context.InterfaceMethod?.Name}", context.Result);
        }
    }
}
