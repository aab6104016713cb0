using System.Diagnostics;
using Akka.Actor;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>The job master's view of one task.</summary>
public sealed class TaskState(TaskId id, string op, string node)
{
    public TaskId Id { get; } = id;
    public string Op { get; } = op;
    public string Node { get; set; } = node;
    public IActorRef? Actor { get; set; }
    public int Number { get; set; }
    public string Log { get; set; } = "";
    public TaskRunStatus State { get; set; } = TaskRunStatus.Scheduled;
    public TaskReport? Report { get; set; }

    /// <summary>A user operator's OS pid once it ran, otherwise the node-unique task number.</summary>
    public int Pid => Report?.OperatorPid ?? Number;

    public TaskInfo Info(string jobId) => new(
        Id.ToString(), jobId, Id.Stage, Op, Node, Pid,
        Report is { State: TaskPhase.Draining } && State == TaskRunStatus.Running ? TaskPhase.Draining.Wire() : State.Wire(),
        Report?.InPerSecond ?? 0, Report?.OutPerSecond ?? 0, Report?.Backpressure ?? "OK", Log);
}

/// <summary>One job: its plan, its tasks and how it ended. Owned by the job's master (the leader builds it and hands it over).</summary>
public sealed class JobState(string id, string commandLine, JobPlan plan, IReadOnlyList<bool> statefulStages)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public string Id { get; } = id;
    public string CommandLine { get; } = commandLine;
    public JobPlan Plan { get; } = plan;
    /// <summary>Per operator stage (index 0 = stage 1): whether its operator keeps state (then its input is partitioned by key group).</summary>
    public IReadOnlyList<bool> StatefulStages { get; } = statefulStages;
    public Dictionary<TaskId, TaskState> Tasks { get; } = new();
    public JobStatus Status { get; private set; } = JobStatus.Running;
    public string? FailureReason { get; private set; }
    /// <summary>The run of the job its tasks belong to (see <see cref="TaskId.Attempt"/>): 1, then one more each time
    /// an at-least-once job is restarted from its source.</summary>
    public int Attempt { get; private set; } = 1;
    public int SourceBlockBytes { get; init; } = RainStorm.Actors.Runtime.Tasks.LineSplitter.DefaultBlockBytes;
    /// <summary>Per operator stage (index 0 = stage 1): the key group → task table decided at submission (see
    /// <see cref="KeyGroupBalancer"/>), or null for group g → task g mod N.</summary>
    public int[]?[] KeyGroupTables
    {
        get => _tables;
        init
        {
            _tables = value;
            _initialTables = value.ToArray();
        }
    }

    private int[]?[] _tables = new int[]?[plan.Stages.Count];
    private int[]?[] _initialTables = new int[]?[plan.Stages.Count];
    /// <summary>Per stage (0 = the source): how many tasks it has now (rescales change it; the source keeps its width).</summary>
    public int[] Widths { get; private set; } = Enumerable.Repeat(plan.TasksPerStage, plan.Stages.Count + 1).ToArray();
    /// <summary>Per operator stage (index 0 = stage 1): its input edge became a rebalancing one (the widths differed once).</summary>
    public bool[] Rebalanced { get; private set; } = new bool[plan.Stages.Count];
    /// <summary>The routing epoch: one more after every rescale.</summary>
    public int Epoch { get; set; }
    public HashSet<IActorRef> Waiters { get; } = [];
    public HashSet<IActorRef> Followers { get; } = [];
    public long FinalTuplesIn { get; private set; }
    public long FinalTuplesOut { get; private set; }

    public bool IsRunning => Status == JobStatus.Running;
    public int StageCount => Plan.Stages.Count;
    public IEnumerable<TaskState> StageTasks(int stage) => Tasks.Values.Where(t => t.Id.Stage == stage).OrderBy(t => t.Id.Index);
    public bool AllStarted => Tasks.Values.All(t => t.Actor is not null);
    public bool AllCompleted => Retiring.Count == 0 && Tasks.Values.All(t => t.State == TaskRunStatus.Completed);

    /// <summary>Tasks a rescale took out of the routing that still finish what they hold (then they complete).</summary>
    public Dictionary<TaskId, TaskState> Retiring { get; } = new();

    /// <summary>Lines the sources read (a source may emit fewer: see <see cref="Tasks.SourceFeed.PrefilterOf"/>).</summary>
    public long TuplesIn => IsRunning ? StageTasks(0).Sum(t => t.Report?.TuplesIn ?? 0) : FinalTuplesIn;
    public long TuplesOut => IsRunning ? RetiredTuplesOut + StageTasks(StageCount).Sum(t => t.Report?.TuplesOut ?? 0) : FinalTuplesOut;

    /// <summary>What last-stage tasks that left the job in a rescale wrote.</summary>
    public long RetiredTuplesOut { get; private set; }

    /// <summary>A task leaves its stage in a rescale: out of the routing, it finishes what it holds.</summary>
    public void Retire(TaskState task)
    {
        Tasks.Remove(task.Id);
        Retiring[task.Id] = task;
    }

    /// <summary>A retiring task completed its part (<paramref name="tuplesOut"/> written, for a last-stage task).</summary>
    public TaskState? Retired(TaskId id, long tuplesOut)
    {
        if (!Retiring.Remove(id, out var task)) return null;
        if (id.Stage == StageCount) RetiredTuplesOut += tuplesOut;
        return task;
    }

    public string OperatorOf(int stage) => stage == 0 ? "source" : Plan.Stages[stage - 1].Op;

    /// <summary>The tasks of the current attempt, chain i (task i of every stage) on node <paramref name="chains"/>[i].</summary>
    public void Place(IReadOnlyList<string> chains)
    {
        for (var i = 0; i < chains.Count; i++)
        for (var stage = 0; stage <= StageCount; stage++)
        {
            var id = new TaskId(Id, stage, i, Attempt);
            Tasks[id] = new TaskState(id, OperatorOf(stage), chains[i]);
        }
    }

    /// <summary>Every task of the job as the job table knows it after a leader move: not yet reported by a worker.</summary>
    public void PlaceRecovering()
    {
        for (var stage = 0; stage <= StageCount; stage++)
        for (var i = 0; i < Widths[stage]; i++)
        {
            var id = new TaskId(Id, stage, i, Generation: _generations.GetValueOrDefault(stage) is { } g && i < g.Length ? g[i] : 0);
            Tasks[id] = new TaskState(id, OperatorOf(stage), "?") { State = TaskRunStatus.Recovering };
        }
    }

    /// <summary>The latest completed checkpoint (0: none) and its manifest file: a failure restarts the job from it.</summary>
    public long CheckpointId { get; private set; }
    public string? CheckpointManifest { get; private set; }

    public void Checkpointed(long id, string manifest)
    {
        CheckpointId = id;
        CheckpointManifest = manifest;
    }

    /// <summary>The next attempt restarts from a checkpoint: the stages keep their widths, key group tables and task
    /// generations (the tasks are placed anew, <see cref="PlaceShaped"/>).</summary>
    public void NextAttemptKeepingShape()
    {
        Attempt++;
        Tasks.Clear();
        Retiring.Clear();
        RetiredTuplesOut = 0;
        Epoch++;
    }

    /// <summary>The tasks of the current attempt at the stages' current widths: task i of every stage on node
    /// <paramref name="chains"/>[i mod chains] (a chain stays on one node where widths allow).</summary>
    public void PlaceShaped(IReadOnlyList<string> chains)
    {
        for (var stage = 0; stage <= StageCount; stage++)
        for (var i = 0; i < Widths[stage]; i++)
        {
            var id = new TaskId(Id, stage, i, Attempt, _generations.GetValueOrDefault(stage) is { } g && i < g.Length ? g[i] : 0);
            Tasks[id] = new TaskState(id, OperatorOf(stage), chains[i % chains.Count]);
        }
    }

    /// <summary>Forgets every task of the current attempt and starts the next one (its tasks are placed anew).</summary>
    public void NextAttempt()
    {
        Attempt++;
        Tasks.Clear();
        Retiring.Clear();
        RetiredTuplesOut = 0;
        Widths = Enumerable.Repeat(Plan.TasksPerStage, StageCount + 1).ToArray();
        Rebalanced = new bool[StageCount];
        _tables = _initialTables.ToArray();
        _generations.Clear();
        Epoch++;
    }

    /// <summary>A rescale of <paramref name="stage"/> to <paramref name="width"/> tasks takes effect (the table: its new key
    /// groups when the stage is stateful): its input edge, and a forward edge out of it, become rebalancing ones.</summary>
    public void Rescaled(int stage, int width, int[]? table)
    {
        Widths[stage] = width;
        if (table is not null) _tables[stage - 1] = table;
        Rebalanced[stage - 1] = true;
        if (stage < StageCount) Rebalanced[stage] = true;
        Epoch++;
    }

    /// <summary>The stages as their last journaled rescales left them (a leader recovering the job table): widths, key
    /// group tables, the tasks' generations, and the routing epoch.</summary>
    public void RestoreRescaled(IEnumerable<Recovery.JobJournal.StageRescaled> rescaled)
    {
        foreach (var stage in rescaled)
        {
            Widths[stage.Stage] = stage.Width;
            if (stage.Table is not null) _tables[stage.Stage - 1] = stage.Table;
            if (stage.Generations is not null) _generations[stage.Stage] = stage.Generations;
            Rebalanced[stage.Stage - 1] = true;
            if (stage.Stage < StageCount) Rebalanced[stage.Stage] = true;
            Epoch = Math.Max(Epoch, stage.Epoch);
            for (var i = 0; i < (stage.Leaving?.Length ?? 0); i++)
            {
                if (stage.Leaving![i] < 0) continue;
                var id = new TaskId(Id, stage.Stage, stage.Width + i, Generation: stage.Leaving[i]);
                Retiring[id] = new TaskState(id, OperatorOf(stage.Stage), "?") { State = TaskRunStatus.Recovering };
            }
        }
    }

    private readonly Dictionary<int, int[]> _generations = new();

    /// <summary>The generation of each task of <paramref name="stage"/> now, by index.</summary>
    public int[] GenerationsOf(int stage) =>
        Enumerable.Range(0, Widths[stage]).Select(i => StageTasks(stage).FirstOrDefault(t => t.Id.Index == i)?.Id.Generation ?? 0).ToArray();

    /// <summary>What a rescale changes about a stage, so that one that fails before its commit puts it back.</summary>
    public sealed record StageShape(int Width, int[]? Table, bool RebalancedIn, bool RebalancedOut);

    public StageShape ShapeOf(int stage) => new(Widths[stage], _tables[stage - 1], Rebalanced[stage - 1], stage < StageCount && Rebalanced[stage]);

    /// <summary>Puts <paramref name="stage"/> back as <paramref name="shape"/> (a rescale rolled back; the epoch stays).</summary>
    public void Reshape(int stage, StageShape shape)
    {
        Widths[stage] = shape.Width;
        _tables[stage - 1] = shape.Table;
        Rebalanced[stage - 1] = shape.RebalancedIn;
        if (stage < StageCount) Rebalanced[stage] = shape.RebalancedOut;
    }

    /// <summary>A leader that took over learns from a worker's report that the job already runs a later attempt: it
    /// takes that attempt's tasks as the ones to re-attach to.</summary>
    public void AdoptAttempt(int attempt)
    {
        var tasks = Tasks.Values.Select(t => new TaskState(t.Id with { Attempt = attempt }, t.Op, "?") { State = TaskRunStatus.Recovering }).ToList();
        Attempt = attempt;
        Tasks.Clear();
        Retiring.Clear();
        foreach (var task in tasks) Tasks[task.Id] = task;
    }

    public void End(JobStatus status, string? reason)
    {
        FinalTuplesIn = TuplesIn;
        FinalTuplesOut = TuplesOut;
        Status = status;
        FailureReason = reason;
        _clock.Stop();
    }

    /// <summary>A job that had ended before the leader moved, as the job table recorded it.</summary>
    public void Restore(JobStatus status, string? reason, long tuplesIn, long tuplesOut)
    {
        End(status, reason);
        FinalTuplesIn = tuplesIn;
        FinalTuplesOut = tuplesOut;
        foreach (var task in Tasks.Values) task.State = status == JobStatus.Completed ? TaskRunStatus.Completed : TaskRunStatus.Stopped;
    }

    public JobSummary Summary() => new(Id, Status.Wire(), StageCount, Tasks.Count, TuplesIn, TuplesOut, _clock.Elapsed, CommandLine, FailureReason, Widths.ToArray());
}
