using Akka.Actor;

namespace RainStorm.Actors.Runtime.Protocol;

/// <summary>
/// What the command host (and `local`) asks the leader singleton. Replies go to the sender;
/// every request can also be answered with <see cref="CommandFailed"/> carrying a one-line, user-facing reason.
/// </summary>
public static class JobCommands
{
    /// <summary>Key under which the leader singleton proxy is registered in Akka.Hosting's ActorRegistry.</summary>
    public sealed class LeaderProxyKey;

    /// <summary>The full job line, e.g. <c>RainStorm 2 3 Filter "x" AggregateByKey 8 src dst true false 0 0 0</c>. → <see cref="JobSubmitted"/></summary>
    /// <remarks>With <paramref name="Follow"/> the sender follows the job from its first output line on: after
    /// <see cref="JobSubmitted"/> it receives <see cref="JobOutput"/> batches, then <see cref="JobEnded"/>.
    /// A client that may send the same submit again (a retry across a leader move) gives every copy one
    /// <paramref name="IdempotencyKey"/>: the leader journals it with the job and answers a repeat with that job.</remarks>
    public sealed record SubmitJob(string CommandLine, bool Follow = false, string? IdempotencyKey = null);
    public sealed record JobSubmitted(string JobId);

    /// <summary>→ <see cref="JobList"/></summary>
    public sealed record ListJobs;
    public sealed record JobList(IReadOnlyList<JobSummary> Jobs);

    /// <summary>Status is RUNNING, COMPLETED, FAILED or KILLED. Widths: the tasks of each stage now (0 = the source).</summary>
    public sealed record JobSummary(
        string JobId, string Status, int Stages, int Tasks, long TuplesIn, long TuplesOut,
        TimeSpan Elapsed, string CommandLine, string? FailureReason = null, IReadOnlyList<int>? Widths = null);

    /// <summary>Give operator stage <see cref="Stage"/> (as in list_tasks; not the source, 0) of a running job
    /// <see cref="Tasks"/> tasks while it runs. → <see cref="StageRescaled"/> once the new width runs.</summary>
    public sealed record RescaleStage(string JobId, int Stage, int Tasks);
    public sealed record StageRescaled(string JobId, int Stage, int From, int To, TimeSpan Took);

    /// <summary>Change a running job's input rate (tuples/s for the whole source; 0 = unpaced). → <see cref="JobRateSet"/></summary>
    public sealed record SetJobRate(string JobId, double TuplesPerSecond);
    public sealed record JobRateSet(string JobId, double TuplesPerSecond);

    /// <summary>Every rescale of a job, the autoscaler's and the rescale command's. → <see cref="ScalingHistory"/></summary>
    public sealed record ListScaling(string JobId);
    public sealed record ScalingHistory(string JobId, bool Autoscale, IReadOnlyList<ScalingEntry> Entries);

    /// <summary>One rescale decision: by the autoscaler (PerTaskRate and Reason from its policy) or the command.
    /// Refusal: why it could not run (null when it ran).</summary>
    public sealed record ScalingEntry(int Stage, string Operator, int From, int To, double PerTaskRate, string Reason,
        DateTimeOffset At, string By, string? Refusal);

    /// <summary>Replies <see cref="JobEnded"/> once the job is no longer RUNNING (at once if it already ended).
    /// With <see cref="Follow"/> the sender first receives every output line as <see cref="JobOutput"/> batches.</summary>
    public sealed record WaitJob(string JobId, bool Follow);
    public sealed record JobOutput(string JobId, IReadOnlyList<string> Lines);
    public sealed record JobEnded(JobSummary Job);
    /// <summary>The waiter is gone (client cancelled): stop streaming to it.</summary>
    public sealed record StopWaiting(string JobId, IActorRef Waiter);

    /// <summary>All tasks, or those of one job. → <see cref="TaskList"/></summary>
    public sealed record ListTasks(string? JobId);
    public sealed record TaskList(IReadOnlyList<TaskInfo> Tasks);

    /// <summary>One row of <c>list_tasks</c>. Pid: the OS pid of a user operator's process, otherwise a
    /// node-unique task number. Backpressure: OK, LOW or HIGH. Log: the file this task logs to.</summary>
    public sealed record TaskInfo(
        string Task, string JobId, int Stage, string Op, string Node, int Pid, string State,
        double InPerSecond, double OutPerSecond, string Backpressure, string Log);

    /// <summary>Crash the task abruptly (state in memory lost). Node is host:port. → <see cref="TaskKilled"/></summary>
    public sealed record KillTask(string Node, int Pid);
    public sealed record TaskKilled(string Task);

    /// <summary>Stop a job cleanly. → <see cref="JobKilled"/></summary>
    public sealed record KillJob(string JobId);
    public sealed record JobKilled(string JobId);

    public sealed record CommandFailed(string Message);
}
