using Akka.Actor;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>Messages between the leader and its job masters (both on the leader's node, never serialized).</summary>
public static class JobMasterProtocol
{
    /// <summary>Leader → master: the worker agents now, and how many tasks the other running jobs have on each node
    /// (placement counts them).</summary>
    public sealed record ClusterView(IReadOnlyDictionary<string, IActorRef> Workers, IReadOnlyDictionary<string, int> OtherLoad);

    /// <summary>Leader → master: worker node <see cref="Node"/> left the cluster; <see cref="Cluster"/> no longer has it.</summary>
    public sealed record WorkerGone(string Node, ClusterView Cluster);

    /// <summary>Leader → master, after a leader move: every worker member answered, so the tasks nobody reported died
    /// with the old leader's node.</summary>
    public sealed record RestartUnreported(string Why, long ElapsedMs, int WorkerMembers);

    /// <summary>Master → leader: ask every worker which tasks it runs (repeated for exactly_once jobs until they end).</summary>
    public sealed record AskWorkers;

    /// <summary>What the leader needs of one task to answer kill_task and to count a node's load.</summary>
    public sealed record TaskSlot(TaskId Id, string Node, int Number, int Pid, TaskRunStatus Status);

    /// <summary>Master → leader after every change: what jobs, list_tasks, kill_task and recoveries show of the job.</summary>
    public sealed record JobView(JobSummary Summary, JobPhase Phase, IReadOnlyList<TaskInfo> Tasks, IReadOnlyList<TaskSlot> Slots,
        IReadOnlyList<RecoveryInfo> Recoveries, DateTime PublishedAt, IReadOnlyList<ScalingEntry>? Scaling = null)
    {
        public bool IsRunning => Summary.Status == JobStatus.Running.Wire();

        public static JobView Of(JobState job, JobPhase phase, IReadOnlyList<RecoveryInfo> recoveries, IReadOnlyList<ScalingEntry>? scaling = null) => new(
            job.Summary(), phase,
            job.Tasks.Values.OrderBy(t => t.Id.Stage).ThenBy(t => t.Id.Index).Select(t => t.Info(job.Id)).ToList(),
            job.Tasks.Values.Select(t => new TaskSlot(t.Id, t.Node, t.Number, t.Pid, t.State)).ToList(),
            recoveries, DateTime.UtcNow, scaling);

        /// <summary>The summary with the time that passed since it was published added to a running job's elapsed time.</summary>
        public JobSummary Current() => IsRunning ? Summary with { Elapsed = Summary.Elapsed + (DateTime.UtcNow - PublishedAt) } : Summary;
    }

    /// <summary>Master → leader: a rescale gives <see cref="Stage"/> its new width, key group table and task generations
    /// at routing epoch <see cref="Epoch"/>: journal it (a new leader re-attaches to it), then answer
    /// <see cref="JobJournal.RescaleJournaled"/> (the commit point of the rescale).</summary>
    public sealed record WidthChanged(string JobId, int Stage, int Width, int[]? Table, int[] Generations, int Epoch, int[]? Leaving = null);

    /// <summary>Master → leader: the job ended (record it in the job table); the master stops after this.</summary>
    public sealed record JobFinished(JobJournal.JobEnded Record, JobView Final);
}
