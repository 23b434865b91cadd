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

    protected override Task OnParametersSetAsync() => LoadAsync(closing.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
            _ = PollAsync();
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Options.Value.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(closing.Token))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync(closing.Token);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // The page was closed.
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
