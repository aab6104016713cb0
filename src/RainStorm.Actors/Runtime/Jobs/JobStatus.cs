namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>Where a job is in its life, as the job table records it (its master's finer phase is <see cref="JobPhase"/>).</summary>
public enum JobStatus
{
    Running,
    Completed,
    Failed,
    Killed,
}

/// <summary>The job master's behaviour (each one a <c>Become</c> state).</summary>
public enum JobPhase
{
    /// <summary>Tasks placed, waiting until every one of them runs; then the routing goes out.</summary>
    Starting,
    /// <summary>Every task has its routing; a failure restarts the job from its last checkpoint.</summary>
    Running,
    /// <summary>A job restarting from its last checkpoint as a new attempt, waiting for its tasks.</summary>
    Restarting,
    /// <summary>One stage changes width while the job runs (JobMaster.Rescale.cs).</summary>
    Rescaling,
    Completed,
    Failed,
    Killed,
}

/// <summary>The leader's view of one task.</summary>
public enum TaskRunStatus
{
    Scheduled,
    Running,
    Completed,
    /// <summary>Known from the job table after the leader moved, not yet reported by a worker.</summary>
    Recovering,
    /// <summary>Died and started again, its replacement not yet running.</summary>
    Restarting,
    Failed,
    Stopped,
    Killed,
}

/// <summary>The words the command line shows (RUNNING, COMPLETED, ...): the enums' names in capitals.</summary>
public static class StatusNames
{
    public static string Wire(this JobStatus status) => status.ToString().ToUpperInvariant();

    public static string Wire(this TaskRunStatus status) => status.ToString().ToUpperInvariant();

    public static string Wire(this Protocol.TaskProtocol.TaskPhase phase) => phase.ToString().ToUpperInvariant();

    public static JobStatus ParseJobStatus(string wire) => Enum.Parse<JobStatus>(wire, ignoreCase: true);
}
