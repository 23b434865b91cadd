namespace SerSweep.Testing;

/// <summary>Polling with a deadline: a wait that fails says what it waited for instead of hanging the suite.</summary>
public static class Wait
{
    /// <summary>Calls <paramref name="probe"/> until it returns a value; after <paramref name="timeout"/> throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, TimeSpan? every = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Calls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? every = null) =>
        ForAsync(async () => await condition() ? what : null, timeout, what, every);
}
