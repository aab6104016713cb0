using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime;

/// <summary>The <c>rainstorm.runtime</c> section of the configuration.</summary>
/// <param name="WaitRefreshInterval">A `wait` client repeats its (idempotent) WaitJob this often, so a leader that took
/// over learns about it.</param>
public sealed record RuntimeSettings(
    TimeSpan TaskStartTimeout,
    TimeSpan ReportInterval,
    int SinkAppendBytes,
    TimeSpan SinkFlushInterval,
    long SinkMaxPendingBytes,
    int FollowMaxChars,
    TimeSpan WaitRefreshInterval)
{
    public static RuntimeSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.runtime"));

    public static RuntimeSettings Create(Config section) => new(
        section.GetTimeSpan("task-start-timeout", TimeSpan.FromSeconds(15)),
        section.GetTimeSpan("report-interval", TimeSpan.FromSeconds(1)),
        (int)(section.GetByteSize("sink-append-bytes") ?? 1 << 20),
        section.GetTimeSpan("sink-flush-interval", TimeSpan.FromMilliseconds(50)),
        section.GetByteSize("sink-max-pending-bytes") ?? 8 << 20,
        section.GetInt("follow-max-chars", 200_000),
        section.GetTimeSpan("wait-refresh-interval", TimeSpan.FromSeconds(2)));
}
