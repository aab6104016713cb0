using Akka.Actor;
using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Runtime.Protocol;

/// <summary>Messages between the leader, a worker agent and its task actors about one task.</summary>
public static class TaskProtocol
{
    /// <summary>Task <see cref="Index"/> of stage <see cref="Stage"/> (0 = the source, 1..N = the job's operators) in
    /// run <see cref="Attempt"/> of its job. A job is restarted whole from its last checkpoint as attempt 2, 3, ...,
    /// and the attempt keeps everything of an older run (actor names, edges, reports) apart from the new one. Its string form <c>job/stage/index</c> (<c>job/stage/index#attempt</c> after a restart) is
    /// node-independent (the persistence id of issue 6).</summary>
    /// <remarks><see cref="Generation"/>: 0 for the tasks a job starts with; a task a rescale adds gets the routing
    /// epoch it joins in (shown as <c>@epoch</c>), so it never meets an earlier task of the same index that left.</remarks>
    public sealed record TaskId(string JobId, int Stage, int Index, int Attempt = 1, int Generation = 0)
    {
        public override string ToString() =>
            (Attempt == 1 ? $"{JobId}/{Stage}/{Index}" : $"{JobId}/{Stage}/{Index}#{Attempt}") + (Generation == 0 ? "" : $"@{Generation}");

        /// <summary>The task actor's name on its worker; unique per attempt and generation, so a new task never meets a stopping one.</summary>
        public string ActorName =>
            (Attempt == 1 ? $"{JobId}-s{Stage}-t{Index}" : $"{JobId}-s{Stage}-t{Index}-a{Attempt}") + (Generation == 0 ? "" : $"-g{Generation}");

        /// <summary>The job id that the task's edges carry: batches and acks of another attempt never match.</summary>
        public string EdgeJobId => Attempt == 1 ? JobId : $"{JobId}#{Attempt}";
    }

    public enum RoutingMode
    {
        /// <summary>Task i sends to task i of the next stage (same parallelism, stateless next stage): the chain stays on one node.</summary>
        Forward,
        /// <summary>The next stage's partition key picks a key group, the leader's table picks the task.</summary>
        KeyGroups,
    }

    /// <summary>How a task reaches the next stage: the mode, key group → task (for <see cref="RoutingMode.KeyGroups"/>),
    /// and where each task of the next stage lives now, as of routing epoch <see cref="Epoch"/> (one more per rescale).</summary>
    public sealed record StageRouting(RoutingMode Mode, int[] GroupToTask, IActorRef[] Tasks, int Epoch = 0);

    /// <summary>Everything a task needs to run. Source tasks (stage 0) own the lines starting in the file blocks whose
    /// number modulo <see cref="StageTasks"/> is their index (see <see cref="Tasks.LineSplitter"/>).
    /// <see cref="Checkpoints"/>: how the task takes part in checkpoints; <see cref="RestoreFrom"/>: the manifest of the
    /// completed checkpoint it starts from (after a failure), or null.</summary>
    public sealed record TaskSpec(TaskId Id, JobPlan Plan, int StageTasks, int[] UpstreamTasks, string OperatorDir,
        int SourceBlockBytes = Tasks.LineSplitter.DefaultBlockBytes, Checkpoints.CheckpointMode Checkpoints = Checkpoints.CheckpointMode.None,
        string? RestoreFrom = null)
    {
        public bool IsSource => Id.Stage == 0;
        public bool IsLast => Id.Stage == Plan.Stages.Count;
        public StageSpec? Operator => IsSource ? null : Plan.Stages[Id.Stage - 1];
        public StageSpec? Downstream => IsLast ? null : Plan.Stages[Id.Stage];
        public string Name => Id.ActorName;
    }

    /// <summary>The key groups a task of a stateful stage owns as of routing epoch <see cref="Epoch"/>.</summary>
    public sealed record KeyGroupsOwned(int Epoch, int[] Groups);

    /// <summary>Leader → task: where the next stage lives (null for the last stage). Sent once all tasks started, and
    /// again whenever a task moves; the task then resends what is unacknowledged. <see cref="Follow"/>: someone follows
    /// the job's output already (for the last stage; later changes come as <see cref="SetFollow"/>). <see cref="Own"/>:
    /// for a task of a stateful stage, the key groups it owns; it refuses a batch cut under an older epoch that holds
    /// tuples of other groups (<see cref="Transport.TupleTransport.BatchRefused"/>).</summary>
    public sealed record Routing(TaskId Task, StageRouting? Downstream, bool Follow = false, KeyGroupsOwned? Own = null);

    /// <summary>Leader → last-stage tasks: whether someone follows the job's output.</summary>
    public sealed record SetFollow(bool On);

    /// <summary>What a task actor reports about itself.</summary>
    public enum TaskPhase
    {
        /// <summary>Waiting for its routing (or restoring its checkpoint).</summary>
        Starting,
        Running,
        /// <summary>Its input ended; flushing what it holds.</summary>
        Draining,
        Completed,
    }

    /// <summary>Task → worker, every report interval. Backpressure is OK, LOW or HIGH. Backlog: input tuples queued
    /// and not yet processed; BusyFraction: the share of the interval spent in the operator (the autoscaler's signals).
    /// GroupsOut: over a key-group edge, the tuples sent to each key group of the next stage since the last report (what
    /// a rescale balances the moving groups by); null otherwise.</summary>
    public sealed record TaskReport(
        TaskId Id, TaskPhase State, long TuplesIn, long TuplesOut, double InPerSecond, double OutPerSecond,
        string Backpressure, int? OperatorPid, long Backlog = 0, double BusyFraction = 0, long[]? GroupsOut = null);

    /// <summary>Job master → source tasks: emit at this many tuples per second from now on (0 = unpaced).</summary>
    public sealed record SetRate(double TuplesPerSecond);

    /// <summary>Task → worker → leader: the task processed its whole input and everything it sent is acknowledged.</summary>
    public sealed record TaskCompleted(TaskId Id, long TuplesIn, long TuplesOut);

    /// <summary>Task (or its worker) → leader: the task died; <see cref="Reason"/> is one user-facing line.</summary>
    public sealed record TaskFailed(TaskId Id, string Reason);

    /// <summary>Last-stage task → worker → leader → followers: output lines, bounded in size. exactly_once: the lines of
    /// one append HyDFS acknowledged, sent after that answer, with the sink task and the append's seq, so that the job
    /// master passes each append on once (a restarted sink resends appends with their seqs).</summary>
    public sealed record OutputLines(string JobId, string[] Lines, TaskId? Sink = null, long Seq = 0);
}
