using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// The leader (a cluster singleton): validates and accepts jobs, places their tasks on the workers by load, pushes
/// routing tables once every task runs, tracks rates, and ends a job when all its tasks completed (source exhausted,
/// every stage drained), when one fails, or on kill_job. Several jobs run at once.
/// </summary>
public sealed partial class LeaderActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public const string Name = "leader";

    private sealed record Checked(IActorRef Client, SubmitJob Submit, JobPlan Plan, bool[] Stateful, string? Refusal,
        long SourceLength = 0, int[]?[]? KeyGroupTables = null);
    private sealed record StartTimeout(string JobId, int Attempt = 1);
    private sealed record JournalTimeout(string JobId);

    private static readonly TimeSpan JournalTimeoutAfter = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, (JobState Job, Checked Check)> _journaling = new();

    private readonly string _operatorDir;
    private readonly RuntimeSettings _settings;
    private readonly HyDfsClient _hyDfs;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _workers = new();
    private readonly Dictionary<string, JobState> _jobs = new();
    private readonly SubmitKeys _submitKeys = new();
    private int _jobCounter;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string operatorDir) => Akka.Actor.Props.Create(() => new LeaderActor(operatorDir));

    public LeaderActor(string operatorDir)
    {
        _operatorDir = Path.GetFullPath(operatorDir);
        _settings = RuntimeSettings.Create(Context.System);
        _hyDfs = HyDfsClient.For(Context.System);

        ReceiveJobTableRecovery();
        Receive<SubmitJob>(OnSubmit);
        Receive<Checked>(OnChecked);
        Receive<JobJournal.Journaled>(OnJournaled);
        Receive<JournalTimeout>(OnJournalTimeout);
        Receive<StartTimeout>(timeout =>
        {
            if (_jobs.TryGetValue(timeout.JobId, out var job) && job.IsRunning && job.Attempt == timeout.Attempt && !job.RoutingSent && !job.AllStarted)
                EndJob(job, JobState.Failed, $"not every task started within {_settings.TaskStartTimeout.TotalSeconds:0} s");
        });
        Receive<RegisterWorker>(OnRegisterWorker);
        Receive<TaskStarted>(OnTaskStarted);
        Receive<TaskCompleted>(OnTaskCompleted);
        Receive<TaskFailed>(failed =>
        {
            if (!_jobs.TryGetValue(failed.Id.JobId, out var job) || !job.IsRunning || !job.Tasks.TryGetValue(failed.Id, out var task)) return;
            if (task.State == "RESTARTING" || DeferredByBackoff(job, task, failed)) return;
            OnTaskDied(job, task, failed.Reason);
        });
        Receive<WorkerReport>(OnWorkerReport);
        Receive<OutputLines>(lines =>
        {
            if (!_jobs.TryGetValue(lines.JobId, out var job)) return;
            var output = new JobOutput(job.Id, lines.Lines);
            foreach (var follower in job.Followers) follower.Tell(output);
        });
        Receive<Terminated>(OnTerminated);
        ReceiveQueries();
        ReceiveRecovery();
        ReceiveBackoff();
    }

    protected override void PreStart()
    {
        _log.Info("Leader started on {0}", Akka.Cluster.Cluster.Get(Context.System).SelfAddress);
        SubscribeToWorkerMembers();
        StartJobJournal();
    }

    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        // With "Leader started" this bounds each leader's lifetime in the log (a partition test checks they never overlap).
        _log.Info("Leader stopped on {0}", Akka.Cluster.Cluster.Get(Context.System).SelfAddress);
    }

    private void OnSubmit(SubmitJob submit)
    {
        if (_submitKeys.JobOf(submit.IdempotencyKey) is { } known)
        {
            _log.Info("Job submitted again (same key): answering with {0}", known);
            Sender.Tell(new JobSubmitted(known));
            if (submit.Follow) Self.Forward(new WaitJob(known, Follow: true));
            return;
        }
        _log.Info("Job received: {0}", submit.CommandLine);
        JobPlan plan;
        bool[] stateful;
        try
        {
            plan = JobCommandParser.Parse(submit.CommandLine);
            stateful = StatefulStages(plan);
        }
        catch (Exception e) when (e is JobCommandException or OperatorException)
        {
            Refuse(Sender, e.Message);
            return;
        }
        if (_workers.Count == 0)
        {
            Refuse(Sender, "no worker node has joined the cluster yet; start a node with role worker");
            return;
        }
        if (_submitKeys.JoinPending(submit.IdempotencyKey, new SubmitKeys.Client(Sender, submit.Follow))) return;
        var client = Sender;
        CheckStorage(plan, stateful).PipeTo(Self, success: result => new Checked(client, submit, plan, stateful, result.Refusal, result.SourceLength, result.Tables),
            failure: e => new Checked(client, submit, plan, stateful, $"HyDFS could not be checked: {Unwrap(e).Message}"));
    }

    /// <summary>The source must exist and the destination must not; the destination is created (empty) here so two
    /// jobs cannot write to one file. Partitioned stages get their key groups balanced by a sample of the source.</summary>
    private async Task<(string? Refusal, long SourceLength, int[]?[]? Tables)> CheckStorage(JobPlan plan, bool[] stateful)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (!await _hyDfs.ExistsAsync(plan.Source, timeout.Token))
                return ($"source file '{plan.Source}' does not exist in HyDFS; upload it first (hydfs create <local file> {plan.Source})", 0, null);
            var length = await _hyDfs.GetLengthAsync(plan.Source, timeout.Token);
            if (await _hyDfs.ExistsAsync(plan.Destination, timeout.Token))
                return ($"destination file '{plan.Destination}' already exists in HyDFS; choose a new name", 0, null);
            var tables = await KeyGroupBalancer.TablesAsync(_hyDfs, plan, stateful, _operatorDir, length, timeout.Token);
            await _hyDfs.CreateAsync(plan.Destination, ReadOnlyMemory<byte>.Empty, timeout.Token);
            return (null, length, tables);
        }
        catch (HyDfsException e)
        {
            return (e.Message, 0, null);
        }
    }

    /// <summary>Source blocks small enough that each source task owns about 1/N of the lines even for a small file
    /// (every task is paced at input_rate / N), at most <see cref="LineSplitter.DefaultBlockBytes"/>. Decided once
    /// here so that every source task of the job cuts the file the same way.</summary>
    private static int SourceBlockBytes(long sourceLength, int sourceTasks) =>
        (int)Math.Clamp(sourceLength / (sourceTasks * 256L), 16, LineSplitter.DefaultBlockBytes);

    private void OnChecked(Checked check)
    {
        if (check.Refusal is not null)
        {
            RefuseSubmit(check, check.Refusal);
            return;
        }
        if (_workers.Count == 0)
        {
            RefuseSubmit(check, "no worker node is in the cluster any more");
            return;
        }
        var job = new JobState($"job-{++_jobCounter}", check.Submit.CommandLine, check.Plan, check.Stateful)
        {
            SourceBlockBytes = SourceBlockBytes(check.SourceLength, check.Plan.TasksPerStage),
            KeyGroupTables = check.KeyGroupTables ?? new int[]?[check.Plan.Stages.Count],
        };
        // Nothing starts and the client hears nothing until the job is in the journal: a leader taking over after
        // this one died then knows every job a client was told about.
        _journaling[job.Id] = (job, check);
        JournalJobAccepted(job, check.Submit.IdempotencyKey);
        Timers.StartSingleTimer($"journal-{job.Id}", new JournalTimeout(job.Id), JournalTimeoutAfter);
    }

    private void OnJournaled(JobJournal.Journaled journaled)
    {
        if (!_journaling.Remove(journaled.JobId, out var pending)) return;
        Timers.Cancel($"journal-{journaled.JobId}");
        var (job, check) = pending;
        _jobs[job.Id] = job;
        _log.Info("Job {0} accepted: {1}", job.Id, job.CommandLine);
        for (var stage = 0; stage < job.KeyGroupTables.Length; stage++)
            if (job.KeyGroupTables[stage] is { } table)
                _log.Info("Job {0}: stage {1}'s key groups balanced by a sample of the source: {2} groups per task",
                    job.Id, stage + 1, string.Join("/", Enumerable.Range(0, job.Plan.TasksPerStage).Select(t => table.Count(g => g == t))));
        var clients = _submitKeys.Accepted(check.Submit.IdempotencyKey, job.Id).Prepend(new SubmitKeys.Client(check.Client, check.Submit.Follow));
        foreach (var client in clients)
        {
            client.Ref.Tell(new JobSubmitted(job.Id));
            if (!client.Follow) continue;
            job.Followers.Add(client.Ref);
            Context.Watch(client.Ref);
        }
        Schedule(job);
        Timers.StartSingleTimer($"start-{job.Id}", new StartTimeout(job.Id), _settings.TaskStartTimeout);
    }

    private void OnJournalTimeout(JournalTimeout timeout)
    {
        if (!_journaling.Remove(timeout.JobId, out var pending)) return;
        var reason = $"the job could not be recorded in the leader's journal on HyDFS within {JournalTimeoutAfter.TotalSeconds:0} s; nothing was started, submit it again";
        _log.Error("Job {0} refused: {1}", timeout.JobId, reason);
        // The late write may still land: the journal then records the job as ended, so no leader ever revives it.
        pending.Job.End(JobState.Failed, reason);
        JournalJobEnded(pending.Job);
        RefuseSubmit(pending.Check, reason);
    }

    private void Schedule(JobState job)
    {
        var stages = job.StageCount;
        var perStage = job.Plan.TasksPerStage;
        var chains = Placement.Chains(perStage, stages + 1, Load());
        for (var i = 0; i < perStage; i++)
        {
            for (var stage = 0; stage <= stages; stage++)
            {
                var id = new TaskId(job.Id, stage, i, job.Attempt);
                var op = stage == 0 ? "source" : job.Plan.Stages[stage - 1].Op;
                job.Tasks[id] = new TaskState(id, op, chains[i]);
                var upstream = stage == 0 ? [] : Placement.Upstream(job, stage, i);
                _workers[chains[i]].Tell(new StartTask(new TaskSpec(id, job.Plan, perStage, upstream, _operatorDir, job.SourceBlockBytes)));
                _log.Info("Job {0}: task {1} ({2}) scheduled on {3}", job.Id, id, op, chains[i]);
            }
        }
    }

    private Dictionary<string, int> Load()
    {
        var load = _workers.Keys.ToDictionary(n => n, _ => 0);
        foreach (var task in _jobs.Values.Where(j => j.IsRunning).SelectMany(j => j.Tasks.Values))
            if (load.ContainsKey(task.Node)) load[task.Node]++;
        return load;
    }

    private void OnRegisterWorker(RegisterWorker register)
    {
        if (AddWorker(register.Node, register.Worker) && _jobs.Values.Any(j => j.IsRunning))
            register.Worker.Tell(new RecoveryProtocol.ReportTasks());
    }

    /// <summary>False when this worker agent was known already.</summary>
    private bool AddWorker(string node, IActorRef worker)
    {
        if (_workers.TryGetValue(node, out var known) && known.Equals(worker)) return false;
        _workers[node] = worker;
        Context.Watch(worker);
        _log.Info("Worker {0} registered ({1} workers)", node, _workers.Count);
        return true;
    }

    private void OnTaskStarted(TaskStarted started)
    {
        if (!_jobs.TryGetValue(started.Id.JobId, out var job) || !job.IsRunning)
        {
            Sender.Tell(new StopJobTasks(started.Id.JobId));
            return;
        }
        AdoptReportedAttempt(job, started.Id);
        if (!job.Tasks.TryGetValue(started.Id, out var task))
        {
            Sender.Tell(new StopJobTasks(job.Id, started.Id.Attempt)); // a task of an attempt the job left behind
            return;
        }
        if (task.State == "COMPLETED" && started.Task.Equals(task.Actor)) return; // re-reported after a leader move
        task.Actor = started.Task;
        task.Node = started.Node;
        task.Number = started.Pid;
        task.Log = started.Log;
        task.State = "RUNNING";
        if (job.RoutingSent)
        {
            OnTaskRestarted(job, task);
            return;
        }
        if (!job.AllStarted) return;
        job.RoutingSent = true;
        for (var stage = 0; stage <= job.StageCount; stage++)
        {
            var downstream = stage < job.StageCount ? Placement.RoutingInto(job, stage + 1) : null;
            foreach (var t in job.StageTasks(stage)) t.Actor!.Tell(new Routing(t.Id, downstream, job.Followers.Count > 0));
        }
        _log.Info("Job {0}: all {1} tasks running, routing sent", job.Id, job.Tasks.Count);
    }

    private void OnTaskCompleted(TaskCompleted completed)
    {
        if (!_jobs.TryGetValue(completed.Id.JobId, out var job) || !job.Tasks.TryGetValue(completed.Id, out var task)) return;
        if (task.State == "COMPLETED") return; // repeated by a worker answering ReportTasks
        task.State = "COMPLETED";
        task.Report = (task.Report ?? new TaskReport(task.Id, "COMPLETED", 0, 0, 0, 0, "OK", null))
            with { State = "COMPLETED", TuplesIn = completed.TuplesIn, TuplesOut = completed.TuplesOut, InPerSecond = 0, OutPerSecond = 0 };
        _log.Info("Job {0}: task {1} completed ({2} in, {3} out)", job.Id, task.Id, completed.TuplesIn, completed.TuplesOut);
        if (job.IsRunning && job.AllCompleted) EndJob(job, JobState.Completed, null);
    }

    private void OnWorkerReport(WorkerReport report)
    {
        foreach (var taskReport in report.Tasks)
        {
            if (_jobs.TryGetValue(taskReport.Id.JobId, out var job) && job.IsRunning
                && job.Tasks.TryGetValue(taskReport.Id, out var task) && task.State == "RUNNING")
                task.Report = taskReport;
        }
    }

    /// <summary>Which stages keep state; creating each operator once also checks that it exists.</summary>
    private bool[] StatefulStages(JobPlan plan) => plan.Stages.Select(stage =>
    {
        using var op = OperatorFactory.Create(stage, _operatorDir);
        return op is IStatefulOperator;
    }).ToArray();

    private void EndJob(JobState job, string status, string? reason)
    {
        job.End(status, reason);
        JournalJobEnded(job);
        foreach (var task in job.Tasks.Values.Where(t => t.State is "SCHEDULED" or "RUNNING"))
            task.State = status == JobState.Killed ? "KILLED" : "STOPPED";
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(job.Id));
        var summary = job.Summary();
        _log.Info("Job {0} {1} after {2:0.###} s: {3} tuples in, {4} tuples out{5}", job.Id, status,
            summary.Elapsed.TotalSeconds, summary.TuplesIn, summary.TuplesOut, reason is null ? "" : $" ({reason})");
        var ended = new JobEnded(summary);
        foreach (var waiter in job.Waiters.Concat(job.Followers).Distinct())
        {
            waiter.Tell(ended);
            Context.Unwatch(waiter);
        }
        job.Waiters.Clear();
        job.Followers.Clear();
    }

    private void SetFollow(JobState job, bool on)
    {
        foreach (var sink in job.StageTasks(job.StageCount).Where(t => t.Actor is not null))
            sink.Actor!.Tell(new SetFollow(on));
    }

    private void OnTerminated(Terminated terminated)
    {
        var node = _workers.FirstOrDefault(p => p.Value.Equals(terminated.ActorRef)).Key;
        if (node is not null)
        {
            _workers.Remove(node);
            _reattach.OnWorkerGone(node);
            _log.Warning("Worker {0} is gone ({1} workers left)", node, _workers.Count);
            OnWorkerGone(node);
            return;
        }
        foreach (var job in _jobs.Values) StopWaiting(job, terminated.ActorRef);
    }

    private void StopWaiting(JobState job, IActorRef waiter)
    {
        job.Waiters.Remove(waiter);
        if (job.Followers.Remove(waiter) && job.Followers.Count == 0 && job.IsRunning) SetFollow(job, false);
    }

    private void Refuse(IActorRef client, string reason)
    {
        _log.Warning("Job refused: {0}", reason);
        client.Tell(new CommandFailed(reason));
    }

    /// <summary>Refuses a checked submit and every copy of it (same key) that waited for it.</summary>
    private void RefuseSubmit(Checked check, string reason)
    {
        Refuse(check.Client, reason);
        foreach (var copy in _submitKeys.Refused(check.Submit.IdempotencyKey)) copy.Ref.Tell(new CommandFailed(reason));
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? inner : e;
}
