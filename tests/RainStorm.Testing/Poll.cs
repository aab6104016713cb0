using System.Diagnostics;

namespace RainStorm.Testing;

/// <summary>Waits for a condition on real state, checking it on a periodic timer (never a fixed sleep).</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, int everyMs = 100)
    {
        var deadline = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(everyMs));
        while (!await condition())
        {
            if (deadline.Elapsed > timeout) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Waits until <paramref name="probe"/> finds something, and returns it.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, int everyMs = 100) where T : class
    {
        T? found = null;
        await UntilAsync(async () => (found = await probe()) is not null, timeout, what, everyMs);
        return found!;
    }

    /// <summary>Retries an assertion until it passes; past the deadline its own failure is thrown (like TestKit's
    /// AwaitAssert).</summary>
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan? timeout = null, int everyMs = 100)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(everyMs));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (deadline.Elapsed < limit)
            {
                await timer.WaitForNextTickAsync();
            }
        }
    }

    public static Task AssertAsync(Action assertion, TimeSpan? timeout = null) =>
        AssertAsync(() =>
        {
            assertion();
            return Task.CompletedTask;
        }, timeout);
}
