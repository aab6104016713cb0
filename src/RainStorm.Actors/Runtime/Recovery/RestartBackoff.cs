using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// How long the leader waits before restarting a task that failed (or the job of an at-least-once task): the first
/// restart is immediate (a one-off failure recovers at once), each further one waits twice as long as the one before,
/// from <paramref name="First"/> up to <paramref name="Max"/>. An operator that fails on every input then takes
/// seconds, not milliseconds, to use up <c>max-restarts</c>, and does not spin a worker's CPU meanwhile.
/// </summary>
public sealed record RestartBackoff(TimeSpan First, TimeSpan Max)
{
    public static RestartBackoff Create(Config? recovery) => new(
        recovery?.GetTimeSpan("restart-backoff", TimeSpan.FromMilliseconds(200)) ?? TimeSpan.FromMilliseconds(200),
        recovery?.GetTimeSpan("restart-backoff-max", TimeSpan.FromSeconds(5)) ?? TimeSpan.FromSeconds(5));

    /// <param name="restartsSoFar">How often this task (or job) was restarted before this failure.</param>
    public TimeSpan Delay(int restartsSoFar)
    {
        if (restartsSoFar <= 0 || First <= TimeSpan.Zero) return TimeSpan.Zero;
        var doublings = Math.Min(restartsSoFar - 1, 30);
        var delay = First.Ticks * (double)(1L << doublings);
        return delay >= Max.Ticks ? Max : TimeSpan.FromTicks((long)delay);
    }
}
