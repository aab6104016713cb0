using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// The master of one job (a child of the leader): starts the job's tasks on the workers, pushes the routing once all of
/// them run, tracks their reports, handles their failures (JobMaster.Failures.cs), and ends the job when every task
/// completed, when one fails for good, or on kill_job. Its phases are behaviours: starting → running ⇄ restarting →
/// completed | failed | killed. After every message it publishes a <see cref="JobView"/> to the leader, which answers
/// the queries from it; once the job ended it tells the leader, which journals the end and stops it.
/// </summary>
public sealed partial class JobMaster : ReceiveActor, IWithTimers
{
    /// <summary>How the master begins: with a new job's placed tasks, or re-attaching to a job a previous leader ran.</summary>
    public enum Start
    {
        Schedule,
        Reattach,
    }

    private sealed record StartTimeout(int Attempt);

    private readonly JobState _job;
    private readonly string _operatorDir;
    private readonly RuntimeSettings _settings;
    private readonly RecoverySettings _recovery;
    private readonly CheckpointSettings _checkpoints;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Start _start;
    private readonly KeyGroupLoad _groupLoad = new();
    private IReadOnlyDictionary<string, IActorRef> _workers;
    private IReadOnlyDictionary<string, int> _otherLoad;
    private JobPhase _phase;

    public ITimerScheduler Timers { get; set; } = null!;

    public static string NameOf(string jobId) => "job-master-" + jobId;

    /// <param name="job">Handed over by the leader, which keeps no reference to it: with <see cref="Start.Schedule"/>
    /// its tasks are placed (<see cref="JobState.Place"/>), with <see cref="Start.Reattach"/> they are recovering.</param>
    public static Props Props(JobState job, Start start, string operatorDir, ClusterView cluster) =>
        Akka.Actor.Props.Create(() => new JobMaster(job, start, operatorDir, cluster));

    public JobMaster(JobState job, Start start, string operatorDir, ClusterView cluster)
    {
        _job = job;
        _start = start;
        _operatorDir = operatorDir;
        _workers = cluster.Workers;
        _otherLoad = cluster.OtherLoad;
        _settings = RuntimeSettings.Create(Context.System);
        _recovery = RecoverySettings.Create(Context.System);
        _checkpoints = CheckpointSettings.Create(Context.System);
        if (start == Start.Schedule) Launching(JobPhase.Starting);
        else Running();
    }

    protected override void PreStart()
    {
        foreach (var follower in _job.Followers) Context.Watch(follower);
        // exactly_once jobs (and jobs re-attached after a leader move): the workers are asked for their tasks now and
        // then, so a completion or routing update lost while the cluster changes is repeated.
        if (_job.Plan.ExactlyOnce || _start == Start.Reattach)
            Timers.StartSingleTimer("reattach", ReattachCheck.Instance, _recovery.ReattachTimeout);
        StartAutoscaler();
        StartCheckpoints();
        if (_start != Start.Schedule) return;
        StartScheduledTasks();
        Timers.StartSingleTimer("start", new StartTimeout(_job.Attempt), _settings.TaskStartTimeout);
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        if (_job.IsRunning) Publish();
        return handled;
    }

    /// <summary>Starting (a new job) or restarting (an at-least-once job's next attempt): tasks are placed, the routing
    /// goes out once every one of them runs.</summary>
    private void Launching(JobPhase phase)
    {
        _phase = phase;
        Receive<TaskStarted>(started =>
        {
            if (Attach(started) is null || !_job.AllStarted) return;
            Timers.Cancel("start");
            foreach (var stage in Enumerable.Range(0, _job.StageCount + 1))
                foreach (var task in _job.StageTasks(stage)) task.Actor!.Tell(RoutingOf(task));
            _log.Info("Job {0}: all {1} tasks running, routing sent", _job.Id, _job.Tasks.Count);
            foreach (var recovery in _recoveries.Where(r => r.Restarted is null)) recovery.Restarted = recovery.Clock.Elapsed;
            Become(Running);
        });
        Receive<StartTimeout>(timeout =>
        {
            if (timeout.Attempt == _job.Attempt && !_job.AllStarted)
                EndJob(JobStatus.Failed, $"not every task started within {_settings.TaskStartTimeout.TotalSeconds:0} s");
        });
        Receive<RescaleStage>(_ => Sender.Tell(new CommandFailed(phase == JobPhase.Restarting
            ? $"{_job.Id} is restarting after a failure and its tasks are not running yet; try again in a moment"
            : $"{_job.Id} is still starting its tasks; try again in a moment")));
        Common();
    }

    /// <summary>Every task has its routing; a task that starts now replaces one that died (or re-attaches after a
    /// leader move): it gets its routing, and the stage before it the new address.</summary>
    private void Running()
    {
        _phase = JobPhase.Running;
        Receive<TaskStarted>(started =>
        {
            if (Attach(started) is { } task) OnTaskReattached(task);
        });
        Receive<RescaleStage>(OnRescaleRequest);
        Receive<StartTimeout>(_ => { });
        Common();
    }

    private void Common()
    {
        Receive<ClusterView>(view =>
        {
            _workers = view.Workers;
            _otherLoad = view.OtherLoad;
        });
        Receive<WorkerGone>(OnWorkerGoneMessage);
        Receive<TaskCompleted>(OnTaskCompleted);
        Receive<JobJournal.RetireJournaled>(OnRetireJournaled);
        Receive<RetireUnjournaled>(unjournaled =>
        {
            if (_retiredUnjournaled.ContainsKey(unjournaled.Task)) JournalRetired(unjournaled.Task);
        });
        Receive<TaskFailed>(OnTaskFailed);
        Receive<WorkerReport>(report =>
        {
            foreach (var taskReport in report.Tasks)
            {
                if (!_job.Tasks.TryGetValue(taskReport.Id, out var task) || task.State != TaskRunStatus.Running) continue;
                task.Report = taskReport;
                if (taskReport.GroupsOut is { } groupsOut) _groupLoad.Observe(taskReport.Id.Stage + 1, groupsOut);
            }
        });
        Receive<OutputLines>(lines =>
        {
            if (!FirstTimeFollowed(lines)) return;
            var output = new JobOutput(_job.Id, lines.Lines);
            foreach (var follower in _job.Followers) follower.Tell(output);
        });
        Receive<WaitJob>(OnWaitJob);
        Receive<StopWaiting>(stop => StopWaiting(stop.Waiter));
        Receive<Terminated>(terminated => StopWaiting(terminated.ActorRef));
        Receive<KillJob>(_ =>
        {
            _log.Warning("kill_job: killing job {0}", _job.Id);
            var requester = Sender;
            EndJob(JobStatus.Killed, "killed by kill_job");
            // Answered by the leader once it recorded the end (the JobFinished just sent comes first), so a query that
            // follows the answer never finds the job still running.
            Context.Parent.Tell(new JobKilled(_job.Id), requester);
        });
        Receive<RescaleProtocol.UpstreamExpected>(_ => { }); // after a shrink, from the next stage's tasks
        Receive<RescaleProtocol.Held>(_ => { });
        ReceiveControls();
        ReceiveFailures();
        ReceiveBackoff();
        ReceiveCheckpoints();
    }

    private void OnWorkerGoneMessage(WorkerGone gone)
    {
        _workers = gone.Cluster.Workers;
        _otherLoad = gone.Cluster.OtherLoad;
        OnWorkerGone(gone.Node);
    }

    private void OnTaskFailed(TaskFailed failed)
    {
        if (_job.Retiring.TryGetValue(failed.Id, out var leaving))
        {
            OnTaskDied(leaving, failed.Reason);
            return;
        }
        if (!_job.Tasks.TryGetValue(failed.Id, out var task)) return;
        if (DeferredByBackoff(task, failed)) return;
        OnTaskDied(task, failed.Reason);
    }

    /// <summary>Sends StartTask for every task placed and not yet started.</summary>
    private void StartScheduledTasks()
    {
        foreach (var task in _job.Tasks.Values.Where(t => t.State == TaskRunStatus.Scheduled).OrderBy(t => t.Id.Index).ThenBy(t => t.Id.Stage))
        {
            if (!_workers.TryGetValue(task.Node, out var worker)) continue; // the start timeout fails the job
            worker.Tell(new StartTask(SpecOf(task.Id, restore: true)));
            _log.Info("Job {0}: task {1} ({2}) scheduled on {3}", _job.Id, task.Id, task.Op, task.Node);
        }
    }

    /// <param name="restore">The task starts from the latest completed checkpoint, if any (the job restarted from it).</param>
    private TaskSpec SpecOf(TaskId id, bool restore = false) =>
        new(id, _job.Plan, _job.Widths[id.Stage], id.Stage == 0 ? [] : Placement.Upstream(_job, id.Stage, id.Index), _operatorDir, _job.SourceBlockBytes,
            CheckpointMode, restore ? _job.CheckpointManifest : null);

    private Routing RoutingOf(TaskState task) =>
        new(task.Id, task.Id.Stage < _job.StageCount ? Placement.RoutingInto(_job, task.Id.Stage + 1) : null, _job.Followers.Count > 0,
            Placement.OwnedBy(_job, task.Id));

    /// <summary>Takes a worker's TaskStarted: the task it names, now attached; null when it is not one of the job's
    /// current tasks (stopped) or was attached already.</summary>
    private TaskState? Attach(TaskStarted started)
    {
        AdoptReportedAttempt(started.Id);
        if (!_job.Tasks.TryGetValue(started.Id, out var task) && !_job.Retiring.TryGetValue(started.Id, out task))
        {
            // A task of an attempt the job left behind, or one a rescale that was rolled back had added.
            Sender.Tell(started.Id.Attempt == _job.Attempt ? new StopTask(started.Id) : new StopJobTasks(_job.Id, started.Id.Attempt));
            return null;
        }
        if (task.State == TaskRunStatus.Completed && started.Task.Equals(task.Actor)) return null; // re-reported after a leader move
        task.Actor = started.Task;
        task.Node = started.Node;
        task.Number = started.Pid;
        task.Log = started.Log;
        task.State = TaskRunStatus.Running;
        return task;
    }

    private void OnTaskCompleted(TaskCompleted completed)
    {
        CheckpointTaskFinished(completed.Id);
        if (OnRetired(completed)) return;
        if (!_job.Tasks.TryGetValue(completed.Id, out var task) || task.State == TaskRunStatus.Completed) return; // repeated by a worker answering ReportTasks
        task.State = TaskRunStatus.Completed;
        task.Report = (task.Report ?? new TaskReport(task.Id, TaskPhase.Completed, 0, 0, 0, 0, "OK", null))
            with { State = TaskPhase.Completed, TuplesIn = completed.TuplesIn, TuplesOut = completed.TuplesOut, InPerSecond = 0, OutPerSecond = 0 };
        _log.Info("Job {0}: task {1} completed ({2} in, {3} out)", _job.Id, task.Id, completed.TuplesIn, completed.TuplesOut);
        if (_job.AllCompleted) EndJob(JobStatus.Completed, null);
    }

    /// <summary>Idempotent: waiters repeat WaitJob now and then, so a leader that took over learns them too.</summary>
    private void OnWaitJob(WaitJob wait)
    {
        Context.Watch(Sender);
        if (!wait.Follow)
        {
            _job.Waiters.Add(Sender);
            return;
        }
        if (_job.Followers.Add(Sender) && _job.Followers.Count == 1 && _phase != JobPhase.Starting && _phase != JobPhase.Restarting) SetFollow(true);
    }

    /// <summary>exactly_once sinks: per sink task, the last append whose lines went to the followers.</summary>
    private readonly Dictionary<TaskId, long> _followedThrough = new();

    /// <summary>Lines of an exactly_once sink's append go to the followers once, however often they are sent (by sink
    /// and seq). (A new leader starts with no record; the CLI follower reconciles with the file.)</summary>
    private bool FirstTimeFollowed(OutputLines lines)
    {
        if (lines.Sink is not { } sink) return true;
        if (_followedThrough.TryGetValue(sink, out var through) && lines.Seq <= through) return false;
        _followedThrough[sink] = lines.Seq;
        return true;
    }

    private void StopWaiting(IActorRef waiter)
    {
        _job.Waiters.Remove(waiter);
        if (_job.Followers.Remove(waiter) && _job.Followers.Count == 0) SetFollow(false);
    }

    private void SetFollow(bool on)
    {
        foreach (var sink in _job.StageTasks(_job.StageCount).Where(t => t.Actor is not null))
            sink.Actor!.Tell(new SetFollow(on));
    }

    /// <summary>The nodes' load for placement: the other running jobs' tasks plus this job's.</summary>
    private Dictionary<string, int> Load()
    {
        var load = _workers.Keys.ToDictionary(n => n, n => _otherLoad.GetValueOrDefault(n));
        foreach (var task in _job.Tasks.Values)
            if (load.ContainsKey(task.Node)) load[task.Node]++;
        return load;
    }

    private void EndJob(JobStatus status, string? reason)
    {
        RefuseWaitingRescales($"the job ended ({status.Wire()})");
        AbandonRescale($"the job ended ({status.Wire()})");
        _job.End(status, reason);
        _phase = status switch { JobStatus.Completed => JobPhase.Completed, JobStatus.Killed => JobPhase.Killed, _ => JobPhase.Failed };
        foreach (var task in _job.Tasks.Values.Where(t => t.State is TaskRunStatus.Scheduled or TaskRunStatus.Running))
            task.State = status == JobStatus.Killed ? TaskRunStatus.Killed : TaskRunStatus.Stopped;
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(_job.Id));
        var summary = _job.Summary();
        _log.Info("Job {0} {1} after {2:0.###} s: {3} tuples in, {4} tuples out{5}", _job.Id, summary.Status,
            summary.Elapsed.TotalSeconds, summary.TuplesIn, summary.TuplesOut, reason is null ? "" : $" ({reason})");
        var ended = new JobEnded(summary);
        foreach (var waiter in _job.Waiters.Concat(_job.Followers).Distinct()) waiter.Tell(ended);
        _job.Waiters.Clear();
        _job.Followers.Clear();
        Context.Parent.Tell(new JobFinished(
            new JobJournal.JobEnded(_job.Id, summary.Status, reason, summary.TuplesIn, summary.TuplesOut), View()));
        Become(() => Ended(summary));
    }

    /// <summary>Completed, failed or killed: the leader stops this master once it recorded the end; what was forwarded
    /// to it meanwhile is answered as the leader answers for an ended job.</summary>
    private void Ended(JobSummary summary)
    {
        Receive<WaitJob>(_ => Sender.Tell(new JobEnded(summary)));
        Receive<KillJob>(_ => Sender.Tell(new CommandFailed($"job {_job.Id} already ended ({summary.Status})")));
        Receive<RescaleStage>(_ => Sender.Tell(new CommandFailed($"job {_job.Id} already ended ({summary.Status}); only a running job is rescaled")));
        Receive<SetJobRate>(_ => Sender.Tell(new CommandFailed($"job {_job.Id} already ended ({summary.Status}); only a running job's rate can be changed")));
        Receive<ListScaling>(_ => Sender.Tell(new ScalingHistory(_job.Id, _job.Plan.Autoscale, _scalingHistory.ToList())));
        ReceiveAny(_ => { });
    }

    private JobView View() => JobView.Of(_job, _phase, _recoveries.Select(r => r.Info()).ToList(), _scalingHistory.ToList());

    private void Publish() => Context.Parent.Tell(View());
}
