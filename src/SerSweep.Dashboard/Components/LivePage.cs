using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace SerSweep.Dashboard.Components;

/// <summary>
/// A page that re-reads the database every <see cref="DashboardOptions.RefreshInterval"/> once it is interactive:
/// live updates without a reload and without the coordinator knowing about open pages (the database is the
/// system of record, so polling it is always consistent).
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    [Inject] private IOptions<DashboardOptions> Options { get; set; } = default!;

    private readonly CancellationTokenSource closing = new();

    /// <summary>Reads what the page shows; called before the first render and then on every tick.</summary>
    protected abstract Task LoadAsync(CancellationToken cancel);

    /// <summary>The refresh loop, once interactive: it ends when the page closes.</summary>
    protected Task Refreshing { get; private set; } = Task.CompletedTask;

    protected override Task OnParametersSetAsync() => LoadAsync(closing.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
            Refreshing = PollAsync();
    }

    private async Task PollAsync()
    {
        // The token, not the source: a read that ignores cancellation may finish after Dispose, and the disposed source
        // would then throw on the loop's next look at it.
        var cancel = closing.Token;
        using var timer = new PeriodicTimer(Options.Value.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync(cancel);
                    StateHasChanged();
                });
            }
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            // The page was closed: a cancelled read, or one that failed late, has no page left to show its error.
        }
        catch (Exception error)
        {
            await DispatchExceptionAsync(error);
        }
    }

    public void Dispose()
    {
        closing.Cancel();
        closing.Dispose();
        GC.SuppressFinalize(this);
    }
}
