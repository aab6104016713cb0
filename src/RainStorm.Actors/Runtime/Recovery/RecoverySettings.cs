using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>The <c>rainstorm.recovery</c> section of the configuration.</summary>
/// <param name="SnapshotEvery">A task snapshots after this many journal appends (bounds replay).</param>
/// <param name="MaxBatchesPerRound">Input batches one journal append may cover.</param>
/// <param name="MaxRestarts">Restarts of one task before the leader fails its job (an operator that always crashes).</param>
/// <param name="ReattachTimeout">After a leader moved: how long it waits for workers to report a running job's tasks
/// before it restarts those nobody reported.</param>
/// <param name="MaxRoundChars">A round stops taking batches once its outputs reach this many characters, so its journal
/// record stays one atomic HyDFS append (at most 2 MiB, UTF-8 may grow characters).</param>
/// <param name="StuckAfter">A journal append unanswered this long fails the task, so the leader restarts it (it then
/// recovers through the current HyDFS replicas).</param>
/// <param name="RoundsInFlight">Journal rounds an operator task has under way at once (a new round takes every batch
/// that arrived meanwhile, so fewer rounds in flight means bigger rounds).</param>
/// <param name="SourceRoundLines">Lines a source journals as one round before sending them.</param>
/// <param name="SourceRoundsInFlight">Source rounds under way at once.</param>
public sealed record RecoverySettings(int SnapshotEvery, int MaxBatchesPerRound, int MaxRestarts, TimeSpan ReattachTimeout, long MaxRoundChars, TimeSpan StuckAfter,
    int RoundsInFlight = 1, int SourceRoundLines = 32768, int SourceRoundsInFlight = 4)
{
    public static RecoverySettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.recovery"));

    public static RecoverySettings Create(Config? section) => new(
        section?.GetInt("snapshot-every", 50) ?? 50,
        Math.Max(1, section?.GetInt("max-batches-per-round", 64) ?? 64),
        section?.GetInt("max-restarts", 10) ?? 10,
        section?.GetTimeSpan("reattach-timeout", TimeSpan.FromSeconds(5)) ?? TimeSpan.FromSeconds(5),
        section?.GetByteSize("max-round-chars") ?? 400_000,
        section?.GetTimeSpan("stuck-after", TimeSpan.FromSeconds(15)) ?? TimeSpan.FromSeconds(15),
        Math.Max(1, section?.GetInt("rounds-in-flight", 1) ?? 1),
        Math.Max(1, section?.GetInt("source-round-lines", 32768) ?? 32768),
        Math.Max(1, section?.GetInt("source-rounds-in-flight", 4) ?? 4));
}
