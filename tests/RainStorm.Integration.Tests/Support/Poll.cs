using System.Diagnostics;

namespace RainStorm.Integration.Tests.Support;

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
}
