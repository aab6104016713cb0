using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// The leader (a cluster singleton), kept thin: the worker registry, the journaled job table and command routing. It
/// validates a submitted job, journals it, places its tasks by load and starts one <see cref="JobMaster"/> per job,
/// which runs it from then on; what workers and tasks report about a job goes to its master, and the queries are
/// answered from the <see cref="JobView"/> each master publishes. Several jobs run at once.
/// </summary>
public sealed partial class LeaderActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public const string Name = "leader";

    private sealed record Checked(IActorRef Client, SubmitJob Submit, JobPlan Plan, bool[] Stateful, string? Refusal,
        long SourceLength = 0, int[]?[]? KeyGroupTables = null);
    private sealed record JournalTimeout(string JobId);

    private static readonly TimeSpan JournalTimeoutAfter = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, (JobState Job, Checked Check)> _journaling = new();

    private readonly string _operatorDir;
    private readonly HyDfsClient _hyDfs;
    private readonly RecoverySettings _recovery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _workers = new();
    /// <summary>Every job's latest view, running or ended.</summary>
    private readonly Dictionary<string, JobView> _views = new();
    /// <summary>The masters of the running jobs.</summary>
    private readonly Dictionary<string, IActorRef> _masters = new();
    private readonly SubmitKeys _submitKeys = new();
    private int _jobCounter;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string operatorDir) => Akka.Actor.Props.Create(() => new LeaderActor(operatorDir));

    public LeaderActor(string operatorDir)
    {
        _operatorDir = Path.GetFullPath(operatorDir);
        _hyDfs = HyDfsClient.For(Context.System);
        _recovery = RecoverySettings.Create(Context.System);

        ReceiveJobTableRecovery();
        Receive<SubmitJob>(OnSubmit);
        Receive<Checked>(OnChecked);
        Receive<JobJournal.Journaled>(OnJournaled);
        Receive<JournalTimeout>(OnJournalTimeout);
        Receive<RegisterWorker>(OnRegisterWorker);
        ReceiveFromMasters();
        ReceiveFromWorkers();
        Receive<Terminated>(OnTerminated);
        ReceiveQueries();
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

    /// <summary>A master that throws is stopped, not restarted (its job would start over): its job fails.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

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
        _log.Info("Job {0} accepted: {1}", job.Id, job.CommandLine);
        for (var stage = 0; stage < job.KeyGroupTables.Length; stage++)
            if (job.KeyGroupTables[stage] is { } table)
                _log.Info("Job {0}: stage {1}'s key groups balanced by a sample of the source: {2} groups per task",
                    job.Id, stage + 1, string.Join("/", Enumerable.Range(0, job.Plan.TasksPerStage).Select(t => table.Count(g => g == t))));
        var clients = _submitKeys.Accepted(check.Submit.IdempotencyKey, job.Id).Prepend(new SubmitKeys.Client(check.Client, check.Submit.Follow));
        foreach (var client in clients)
        {
            client.Ref.Tell(new JobSubmitted(job.Id));
            if (client.Follow) job.Followers.Add(client.Ref);
        }
        var load = Load();
        job.Place(Placement.Chains(job.Plan.TasksPerStage, job.StageCount + 1, load));
        StartMaster(job, JobMaster.Start.Schedule, JobPhase.Starting);
    }

    private void OnJournalTimeout(JournalTimeout timeout)
    {
        if (!_journaling.Remove(timeout.JobId, out var pending)) return;
        var reason = $"the job could not be recorded in the leader's journal on HyDFS within {JournalTimeoutAfter.TotalSeconds:0} s; nothing was started, submit it again";
        _log.Error("Job {0} refused: {1}", timeout.JobId, reason);
        // The late write may still land: the journal then records the job as ended, so no leader ever revives it.
        pending.Job.End(JobStatus.Failed, reason);
        JournalJobEnded(JobEndedRecord(pending.Job.Summary()));
        RefuseSubmit(pending.Check, reason);
    }

    /// <summary>Hands the job to a new master; the job's view is known at once, so queries see it before the master runs.</summary>
    private void StartMaster(JobState job, JobMaster.Start start, JobPhase phase)
    {
        _views[job.Id] = JobView.Of(job, phase, []);
        var master = Context.ActorOf(JobMaster.Props(job, start, _operatorDir, ClusterFor(job.Id)), JobMaster.NameOf(job.Id));
        Context.Watch(master);
        _masters[job.Id] = master;
        PushCluster(except: job.Id);
    }

    private void OnRegisterWorker(RegisterWorker register)
    {
        if (!AddWorker(register.Node, register.Worker)) return;
        if (_masters.Count > 0) register.Worker.Tell(new RecoveryProtocol.ReportTasks());
    }

    /// <summary>False when this worker agent was known already.</summary>
    private bool AddWorker(string node, IActorRef worker)
    {
        if (_workers.TryGetValue(node, out var known) && known.Equals(worker)) return false;
        _workers[node] = worker;
        Context.Watch(worker);
        _log.Info("Worker {0} registered ({1} workers)", node, _workers.Count);
        PushCluster();
        return true;
    }

    /// <summary>Which stages keep state; creating each operator once also checks that it exists.</summary>
    private bool[] StatefulStages(JobPlan plan) => plan.Stages.Select(stage =>
    {
        using var op = OperatorFactory.Create(stage, _operatorDir);
        return op is IStatefulOperator;
    }).ToArray();

    private void OnTerminated(Terminated terminated)
    {
        var node = _workers.FirstOrDefault(p => p.Value.Equals(terminated.ActorRef)).Key;
        if (node is not null)
        {
            _workers.Remove(node);
            _reattach.OnWorkerGone(node);
            _log.Warning("Worker {0} is gone ({1} workers left)", node, _workers.Count);
            foreach (var (jobId, master) in _masters) master.Tell(new WorkerGone(node, ClusterFor(jobId)));
            return;
        }
        var lost = _masters.FirstOrDefault(p => p.Value.Equals(terminated.ActorRef)).Key;
        if (lost is not null) OnMasterLost(lost);
    }

    /// <summary>A master stopped without finishing its job (it threw): the job fails and its tasks stop.</summary>
    private void OnMasterLost(string jobId)
    {
        _masters.Remove(jobId);
        var view = _views[jobId];
        const string reason = "the job's master failed unexpectedly (see the leader's log)";
        _log.Error("Job {0} failed: {1}", jobId, reason);
        var summary = view.Summary with { Status = JobStatus.Failed.Wire(), FailureReason = reason };
        _views[jobId] = view with { Summary = summary, Phase = JobPhase.Failed };
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(jobId));
        JournalJobEnded(JobEndedRecord(summary));
        PushCluster();
    }

    private static JobJournal.JobEnded JobEndedRecord(JobSummary summary) =>
        new(summary.JobId, summary.Status, summary.FailureReason, summary.TuplesIn, summary.TuplesOut);

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
