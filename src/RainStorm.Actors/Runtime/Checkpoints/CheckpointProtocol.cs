using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>How a job's tasks take part in checkpoints (docs/checkpoints.md).</summary>
public enum CheckpointMode
{
    /// <summary>The task takes no part in checkpoints: a task run without a job master (a single task under test), or
    /// started by a <c>StartTask</c> of the layout before checkpoints. A job master never asks for it.</summary>
    None,
    /// <summary>exactly_once: a task waits for a checkpoint's barrier on every input before it snapshots (input after a
    /// barrier waits), and the sink commits a checkpoint's lines only once it is complete.</summary>
    Aligned,
    /// <summary>at-least-once: a task snapshots once every input delivered the barrier and never holds input back; the
    /// sink appends at once. A restart from the checkpoint may repeat what came after it.</summary>
    Unaligned,
}

/// <summary>
/// Asynchronous barrier snapshots (Carbone et al. 2015): the job master triggers checkpoint N at the sources, which put
/// barrier N into every edge after the lines they sent; a task snapshots once its inputs delivered it, forwards it and
/// acknowledges; the job master journals the checkpoint once every task did, then tells the sinks to commit it.
/// </summary>
public static class CheckpointProtocol
{
    /// <summary>Job master → source tasks: put barrier <see cref="Id"/> into your edges now.</summary>
    public sealed record TriggerCheckpoint(long Id);

    /// <summary>Source task → job master: its file is read to the end; its edges end after the next barrier, so start
    /// the next checkpoint now rather than at the next interval.</summary>
    public sealed record CheckpointWanted(TaskId Task);

    /// <summary>Task → job master: the task's part of checkpoint <see cref="Id"/> is stored: inline (<see cref="State"/>)
    /// when small, else in the HyDFS file <see cref="File"/>.</summary>
    public sealed record CheckpointAck(TaskId Task, long Id, TaskCheckpoint? State, string? File);

    /// <summary>Job master → last-stage tasks: checkpoint <see cref="Id"/> is complete and journaled; append the lines
    /// staged up to its barrier.</summary>
    public sealed record CommitCheckpoint(long Id);

    /// <summary>A sink append with its idempotency seq (HyDFS applies a repeated (key, seq) once).</summary>
    public sealed record SinkAppend(long Seq, byte[] Data);

    /// <summary>What a sink had staged and not yet seen acknowledged by HyDFS at a barrier: appends under its idempotency
    /// key <see cref="ClientId"/> (seqs in order), and the last seq it assigned.</summary>
    public sealed record SinkStaged(string ClientId, long Seq, SinkAppend[] Appends);

    /// <summary>One task's part of a checkpoint: for a source, the owned lines sent before the barrier; for a stateful
    /// operator, its state per key group; for a sink, what it staged; and its counters.</summary>
    public sealed record TaskCheckpoint(long SourceLines, IReadOnlyDictionary<int, byte[]> Groups, SinkStaged? Sink, long TuplesIn, long TuplesOut);

    /// <summary>One task's entry in a completed checkpoint: its state inline or the file that holds it.</summary>
    public sealed record CheckpointEntry(int Stage, int Index, TaskCheckpoint? State, string? File);

    /// <summary>A completed checkpoint (a HyDFS file the job master writes before it journals the checkpoint).</summary>
    public sealed record CheckpointManifest(string JobId, long Id, CheckpointEntry[] Entries);
}
