using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>Marks what the exactly-once journal stores, so one binding routes them to <see cref="RecoveryRecordSerializer"/>.</summary>
public interface IRecoveryRecord;

/// <summary>
/// The journal events and snapshots of exactly-once tasks (docs/architecture.md §4, MillWheel-style strong productions, batched):
/// one <see cref="TaskRound"/> per journal append holds the input batches it consumed (the dedup marks), the operator's
/// state delta and the outputs produced. Output ids are stable because batches are cut deterministically from the
/// journaled outputs, starting from the snapshotted sequence numbers.
/// </summary>
public static class RecoveryRecords
{
    public sealed record InputMark(Edge Edge, long Seq, bool EndOfStream);

    /// <summary>One or more input batches processed together: one journal append.</summary>
    public sealed record TaskRound(InputMark[] Inputs, byte[]? Delta, StreamTuple[] Outputs, long TuplesIn) : IRecoveryRecord;

    /// <summary>The task dropped these ended input edges (their senders left the stage in a rescale), so a later task of
    /// the same index starts a fresh edge that the old marks must not shadow when the journal is replayed.</summary>
    public sealed record EdgesForgotten(Edge[] Edges) : IRecoveryRecord;

    /// <summary>From here on the task's output keeps the tuples of <see cref="Groups"/> aside (a rescale moves those key
    /// groups of the next stage): a replay keeps the same tuples aside from the same round on.</summary>
    public sealed record HoldStarted(int[] Groups) : IRecoveryRecord;

    /// <summary>The hold ended: what was kept aside went out by the routing the task had then (the one it recovers with,
    /// since a rescale in between would have journaled a snapshot first), and every later round is cut by it too.</summary>
    public sealed record HoldReleased : IRecoveryRecord
    {
        public static readonly HoldReleased Instance = new();
    }

    /// <summary>A sink append with its idempotency seq (HyDFS applies a repeated (task, seq) once).</summary>
    public sealed record SinkAppend(long Seq, byte[] Data);

    /// <summary>Everything an operator task needs to continue without its older journal events; during a partial hold
    /// also the key groups held and the tuples kept aside.</summary>
    public sealed record TaskSnapshot(
        EdgeMark[] Marks, IReadOnlyDictionary<int, byte[]> State, TupleBatch[] Outstanding, long[] NextSeqs, bool Finishing,
        SinkAppend[] Appends, long SinkSeq, long TuplesIn, long TuplesOut, int[]? HeldGroups = null, StreamTuple[]? KeptAside = null) : IRecoveryRecord;

    /// <summary>A source task emitted its next <see cref="Count"/> owned lines (as one batch per destination at most,
    /// cut by size); the last round of a file may be the final line without a line break.</summary>
    public sealed record SourceRound(int Count) : IRecoveryRecord;

    /// <summary>A source's progress: the first <see cref="SkipTuples"/> owned lines are acknowledged downstream; the rounds
    /// in <see cref="PendingRounds"/> follow them and start at <see cref="NextSeqs"/>. Between them -1 and -2 mark a
    /// partial hold's start and end; <see cref="HeldGroups"/> are the groups of the start among them.</summary>
    public sealed record SourceSnapshot(long SkipTuples, long[] NextSeqs, int[] PendingRounds, int[]? HeldGroups = null) : IRecoveryRecord;
}
