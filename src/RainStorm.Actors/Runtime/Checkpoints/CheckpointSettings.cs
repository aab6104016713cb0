using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>The <c>rainstorm.checkpoints</c> section of the configuration.</summary>
/// <param name="Interval">How often the job master starts a checkpoint (one at a time).</param>
/// <param name="InlineBytes">A task's part up to this size travels in its acknowledgement; a larger one goes to a HyDFS file.</param>
/// <param name="Timeout">A checkpoint not acknowledged by every task within this long is abandoned.</param>
public sealed record CheckpointSettings(TimeSpan Interval, long InlineBytes, TimeSpan Timeout)
{
    public static CheckpointSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.checkpoints"));

    public static CheckpointSettings Create(Config? section) => new(
        section?.GetTimeSpan("interval", TimeSpan.FromSeconds(1)) ?? TimeSpan.FromSeconds(1),
        section?.GetByteSize("inline-bytes") ?? 64 * 1024,
        section?.GetTimeSpan("timeout", TimeSpan.FromSeconds(60)) ?? TimeSpan.FromSeconds(60));
}
