using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>The <c>rainstorm.checkpoints</c> section of the configuration.</summary>
/// <param name="ExactlyOnce">exactly_once jobs recover from checkpoints (else from per-task journals).</param>
/// <param name="AtLeastOnce">at-least-once jobs restart from their last checkpoint (else from their source).</param>
/// <param name="Interval">How often the job master starts a checkpoint (one at a time).</param>
/// <param name="InlineBytes">A task's part up to this size travels in its acknowledgement; a larger one goes to a HyDFS file.</param>
/// <param name="Timeout">A checkpoint not acknowledged by every task within this long is abandoned.</param>
public sealed record CheckpointSettings(bool ExactlyOnce, bool AtLeastOnce, TimeSpan Interval, long InlineBytes, TimeSpan Timeout)
{
    public static CheckpointSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.checkpoints"));

    public static CheckpointSettings Create(Config? section) => new(
        section?.GetBoolean("exactly-once", true) ?? true,
        section?.GetBoolean("at-least-once", true) ?? true,
        section?.GetTimeSpan("interval", TimeSpan.FromSeconds(1)) ?? TimeSpan.FromSeconds(1),
        section?.GetByteSize("inline-bytes") ?? 64 * 1024,
        section?.GetTimeSpan("timeout", TimeSpan.FromSeconds(60)) ?? TimeSpan.FromSeconds(60));

    /// <summary>How the tasks of a job take part.</summary>
    public CheckpointMode ModeFor(bool exactlyOnce) => exactlyOnce
        ? ExactlyOnce ? CheckpointMode.Aligned : CheckpointMode.None
        : AtLeastOnce ? CheckpointMode.Unaligned : CheckpointMode.None;
}
