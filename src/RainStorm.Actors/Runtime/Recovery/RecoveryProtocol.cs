using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>Messages about task recovery (task → worker → leader, and the leader's answers to tests and tools).</summary>
public static class RecoveryProtocol
{
    /// <summary>A restarted task produced its first output (sent once per incarnation).</summary>
    public sealed record FirstOutput(TaskId Id);

    /// <summary>A new leader → worker: answer with TaskStarted (and TaskCompleted when done) for each task running here,
    /// so the leader re-attaches to them, then with <see cref="TasksReported"/>.</summary>
    public sealed record ReportTasks;

    /// <summary>Worker → leader: the end of its answer to <see cref="ReportTasks"/> (Count tasks reported). Once every
    /// live worker node sent it, a task nobody reported died with the old leader's node and is restarted at once.</summary>
    public sealed record TasksReported(string Node, int Count);

    /// <summary>→ <see cref="RecoveryList"/>: every restart the leader did, oldest first.</summary>
    public sealed record ListRecoveries;
    public sealed record RecoveryList(IReadOnlyList<RecoveryInfo> Recoveries);

    /// <summary>One restart: why, where from and to, and how long each part took (null while not yet seen).</summary>
    public sealed record RecoveryInfo(
        string Task, string Reason, string OldNode, string NewNode, DateTime FailedAt,
        TimeSpan? Restarted, TimeSpan? FirstOutput, long ReplayedEvents, TimeSpan ReplayDuration);
}
