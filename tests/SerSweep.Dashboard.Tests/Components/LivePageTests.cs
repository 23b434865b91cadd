using Bunit;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SerSweep.Dashboard.Components;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class LivePageTests : IAsyncDisposable
{
    private readonly BunitContext context = new();

    public LivePageTests() =>
        context.Services.AddSingleton(Options.Create(new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(10) }));

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    /// <summary>A live page whose first refresh (its second read) waits for the test; reads ignore cancellation, as a read that has finished its query does.</summary>
    private sealed class GatedPage : LivePage
    {
        private int reads;

        public TaskCompletionSource RefreshReading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Reads => reads;
        public Task RefreshLoop => Refreshing;

        protected override async Task LoadAsync(CancellationToken cancel)
        {
            if (Interlocked.Increment(ref reads) != 2) return;
            RefreshReading.SetResult();
            await Release.Task;
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, "live");
    }

    [Fact]
    public async Task A_page_closed_while_a_refresh_reads_stops_refreshing_without_an_error()
    {
        var page = context.Render<GatedPage>().Instance;
        await page.RefreshReading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await context.DisposeComponentsAsync();
        page.Release.SetResult();

        await page.RefreshLoop.WaitAsync(TimeSpan.FromSeconds(10));
        if (context.Renderer.UnhandledException.IsCompleted)
            Assert.Fail($"the renderer was handed {await context.Renderer.UnhandledException}");
        Assert.Equal(2, page.Reads);
    }

    [Fact]
    public async Task An_open_page_reads_again_every_refresh_interval()
    {
        var page = context.Render<GatedPage>().Instance;
        await page.RefreshReading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        page.Release.SetResult();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (page.Reads < 4 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(page.Reads >= 4, $"{page.Reads} reads in 10 s at a 10 ms interval");
        Assert.False(page.RefreshLoop.IsCompleted);
    }
}
