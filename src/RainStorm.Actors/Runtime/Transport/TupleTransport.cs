using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Transport;

/// <summary>
/// The hot messages between tasks (docs/architecture.md §4): tuples travel in batches per edge, each acknowledged once its
/// effects are done. Serialized by <see cref="Serialization.TupleBatchSerializer"/>, never by Hyperion.
/// </summary>
public static class TupleTransport
{
    /// <summary>One edge of a job's graph: task <see cref="FromTask"/> of stage <see cref="FromStage"/> (0 = source)
    /// to task <see cref="ToTask"/> of stage FromStage + 1. Names task identities, not actor refs, so a retry can be
    /// re-resolved to wherever the destination task lives now.</summary>
    public sealed record Edge(string JobId, int FromStage, int FromTask, int ToTask)
    {
        public int ToStage => FromStage + 1;
        public override string ToString() => $"{JobId}:s{FromStage}t{FromTask}->s{FromStage + 1}t{ToTask}";
    }

    /// <summary>Batch number <see cref="Seq"/> (from 1, consecutive per edge). The last batch of an edge has
    /// <see cref="EndOfStream"/> set and no tuples. <see cref="Epoch"/>: the routing epoch it was cut under.
    /// <see cref="Barrier"/>: when above 0 the batch is checkpoint <see cref="Barrier"/>'s barrier on this edge and has no
    /// tuples: every batch before it belongs to that checkpoint, every batch after it to the next.</summary>
    public sealed record TupleBatch(Edge Edge, long Seq, StreamTuple[] Tuples, bool EndOfStream = false, int Epoch = 0, long Barrier = 0);

    /// <summary>The receiver is done with batch <see cref="Seq"/> of <see cref="Edge"/>.</summary>
    public sealed record BatchAck(Edge Edge, long Seq);

    /// <summary>"Not mine": the batch was cut under a routing epoch older than the receiver's <see cref="Epoch"/> and
    /// holds tuples of key groups the receiver does not own in it. The receiver neither processed nor marked it; the
    /// sender cuts it again by a routing of that epoch (tuples that still belong here stay under the same seq) and
    /// sends it again.</summary>
    public sealed record BatchRefused(Edge Edge, long Seq, int Epoch);
}
