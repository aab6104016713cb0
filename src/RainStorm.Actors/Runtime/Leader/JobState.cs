using System.Diagnostics;
using Akka.Actor;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>The leader's view of one task.</summary>
public sealed class TaskState(TaskId id, string op, string node)
{
    public TaskId Id { get; } = id;
    public string Op { get; } = op;
    public string Node { get; set; } = node;
    public IActorRef? Actor { get; set; }
    public int Number { get; set; }
    public string Log { get; set; } = "";
    public string State { get; set; } = "SCHEDULED";
    public TaskReport? Report { get; set; }

    /// <summary>A user operator's OS pid once it ran, otherwise the node-unique task number.</summary>
    public int Pid => Report?.OperatorPid ?? Number;

    public TaskInfo Info(string jobId) => new(
        Id.ToString(), jobId, Id.Stage, Op, Node, Pid, Report is { State: "DRAINING" } && State == "RUNNING" ? "DRAINING" : State,
        Report?.InPerSecond ?? 0, Report?.OutPerSecond ?? 0, Report?.Backpressure ?? "OK", Log);
}

/// <summary>The leader's view of one job: its plan, its tasks and how it ended.</summary>
public sealed class JobState(string id, string commandLine, JobPlan plan, IReadOnlyList<bool> statefulStages)
{
    public const string Running = "RUNNING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Killed = "KILLED";

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public string Id { get; } = id;
    public string CommandLine { get; } = commandLine;
    public JobPlan Plan { get; } = plan;
    /// <summary>Per operator stage (index 0 = stage 1): whether its operator keeps state (then its input is partitioned by key group).</summary>
    public IReadOnlyList<bool> StatefulStages { get; } = statefulStages;
    public Dictionary<TaskId, TaskState> Tasks { get; } = new();
    public string Status { get; private set; } = Running;
    public string? FailureReason { get; private set; }
    public bool RoutingSent { get; set; }
    /// <summary>The run of the job its tasks belong to (see <see cref="TaskId.Attempt"/>): 1, then one more each time
    /// an at-least-once job is restarted from its source.</summary>
    public int Attempt { get; private set; } = 1;
    public int SourceBlockBytes { get; init; } = RainStorm.Actors.Runtime.Tasks.LineSplitter.DefaultBlockBytes;
    /// <summary>Per operator stage (index 0 = stage 1): the key group → task table decided at submission (see
    /// <see cref="KeyGroupBalancer"/>), or null for group g → task g mod N.</summary>
    public int[]?[] KeyGroupTables { get; init; } = new int[]?[plan.Stages.Count];
    public HashSet<IActorRef> Waiters { get; } = [];
    public HashSet<IActorRef> Followers { get; } = [];
    public long FinalTuplesIn { get; private set; }
    public long FinalTuplesOut { get; private set; }

    public bool IsRunning => Status == Running;
    public int StageCount => Plan.Stages.Count;
    public IEnumerable<TaskState> StageTasks(int stage) => Tasks.Values.Where(t => t.Id.Stage == stage).OrderBy(t => t.Id.Index);
    public bool AllStarted => Tasks.Values.All(t => t.Actor is not null);
    public bool AllCompleted => Tasks.Values.All(t => t.State == "COMPLETED");

    public long TuplesIn => IsRunning ? StageTasks(0).Sum(t => t.Report?.TuplesOut ?? 0) : FinalTuplesIn;
    public long TuplesOut => IsRunning ? StageTasks(StageCount).Sum(t => t.Report?.TuplesOut ?? 0) : FinalTuplesOut;

    /// <summary>Forgets every task of the current attempt and starts the next one (its tasks are scheduled anew).</summary>
    public void NextAttempt()
    {
        Attempt++;
        Tasks.Clear();
        RoutingSent = false;
    }

    /// <summary>A leader that took over learns from a worker's report that the job already runs a later attempt: it
    /// takes that attempt's tasks as the ones to re-attach to.</summary>
    public void AdoptAttempt(int attempt)
    {
        var tasks = Tasks.Values.Select(t => new TaskState(t.Id with { Attempt = attempt }, t.Op, "?") { State = "RECOVERING" }).ToList();
        Attempt = attempt;
        Tasks.Clear();
        foreach (var task in tasks) Tasks[task.Id] = task;
    }

    public void End(string status, string? reason)
    {
        FinalTuplesIn = TuplesIn;
        FinalTuplesOut = TuplesOut;
        Status = status;
        FailureReason = reason;
        _clock.Stop();
    }

    /// <summary>A job that had ended before the leader moved, as the job table recorded it.</summary>
    public void Restore(string status, string? reason, long tuplesIn, long tuplesOut)
    {
        End(status, reason);
        FinalTuplesIn = tuplesIn;
        FinalTuplesOut = tuplesOut;
        foreach (var task in Tasks.Values) task.State = status == Completed ? "COMPLETED" : "STOPPED";
    }

    public JobSummary Summary() => new(Id, Status, StageCount, Tasks.Count, TuplesIn, TuplesOut, _clock.Elapsed, CommandLine, FailureReason);
}
