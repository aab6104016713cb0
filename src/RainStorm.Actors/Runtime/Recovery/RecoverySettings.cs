using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>The <c>rainstorm.recovery</c> section of the configuration (the restart back-off is <see cref="RestartBackoff"/>).</summary>
/// <param name="MaxRestarts">Restarts of a job before the next failure fails it (an operator that always crashes).</param>
/// <param name="ReattachTimeout">After a leader moved: how long it waits for workers to report a running job's tasks
/// before it restarts the job for those nobody reported.</param>
public sealed record RecoverySettings(int MaxRestarts, TimeSpan ReattachTimeout)
{
    public static RecoverySettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.recovery"));

    public static RecoverySettings Create(Config? section) => new(
        section?.GetInt("max-restarts", 10) ?? 10,
        section?.GetTimeSpan("reattach-timeout", TimeSpan.FromSeconds(5)) ?? TimeSpan.FromSeconds(5));
}
