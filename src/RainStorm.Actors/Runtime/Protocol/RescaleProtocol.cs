using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Protocol;

/// <summary>
/// Job master ↔ task messages of a live rescale of one stage (docs/elastic.md). The stage in front of the rescaled one
/// holds back the tuples of the key groups that move (exactly_once: all of its output) until everything of theirs it sent
/// is acknowledged, so their old owners are done with them while the other groups keep flowing; tasks that leave finish and stop,
/// new tasks start, moving key groups carry their state from the old owner to the new one, the stages around learn
/// their new edges, and the new routing (next epoch) releases the hold. Every message names its task; answers go to
/// the sender (the job master), carrying the number of the rescale it belongs to (<c>Rescale</c>, counted per job
/// master), so an answer that a rescale rolled back left under way is never taken for the next one's.
/// </summary>
public static class RescaleProtocol
{
    /// <summary>Hold back output for the rescaled stage and answer <see cref="Held"/> once every batch sent before the hold
    /// that it concerns is acknowledged. <see cref="Groups"/> null: the whole output (the task takes no input meanwhile);
    /// otherwise only tuples of these key groups are kept aside (nothing, when empty) and everything else keeps flowing.
    /// The next <see cref="TaskProtocol.Routing"/> ends the hold: what was kept aside goes out by the new routing.</summary>
    public sealed record Hold(TaskId Task, int Rescale = 0, int[]? Groups = null);
    public sealed record Held(TaskId Task, int Rescale = 0);

    /// <summary>The task leaves its stage: nothing more comes in, so it finishes, ends its output edges and completes.</summary>
    public sealed record Retire(TaskId Task);

    /// <summary>The upstream stage now has these tasks feeding this one: expect their edges too, and forget the ended
    /// edges of the upstream tasks in <see cref="Forget"/> (they left; a later task of that index starts a fresh edge).
    /// → <see cref="UpstreamExpected"/></summary>
    public sealed record ExpectUpstream(TaskId Task, int[] UpstreamTasks, int[]? Forget = null, int Rescale = 0);
    public sealed record UpstreamExpected(TaskId Task, int Rescale = 0);

    /// <summary>Hand these key groups over: → <see cref="HandedOff"/> with their state (exactly_once: once a snapshot of
    /// that point is journaled). The task keeps them until <see cref="Release"/>, so a rescale that fails before its
    /// commit rolls back without moving anything.</summary>
    public sealed record HandOff(TaskId Task, int[] KeyGroups, int Rescale = 0);
    public sealed record HandedOff(TaskId Task, IReadOnlyDictionary<int, byte[]> State, int Rescale = 0);

    /// <summary>Take over these key groups with their state (exactly_once: journaled as a snapshot before the answer).
    /// → <see cref="TookOver"/></summary>
    public sealed record TakeOver(TaskId Task, IReadOnlyDictionary<int, byte[]> State, int Rescale = 0);
    public sealed record TookOver(TaskId Task, int Rescale = 0);

    /// <summary>The rescale is committed: drop the key groups handed over (no answer).</summary>
    public sealed record Release(TaskId Task, int[] KeyGroups);
}
