using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Runtime.Worker;

/// <summary>
/// The worker agent of a node (role worker): starts and stops task actors on the leader's orders, forwards what
/// they tell the leader, reports their rates every second, and reports a task that dies as failed. A task's
/// failure never takes the agent or the node down: tasks are stopped, never restarted, by their supervisor.
/// </summary>
public sealed class WorkerAgent : ReceiveActor, IWithTimers
{
    public const string Name = "worker";
    public const string UserOperatorDispatcher = "rainstorm.runtime.user-operator-dispatcher";

    private sealed class RegisterTick
    {
        public static readonly RegisterTick Instance = new();
    }

    private sealed class ReportTick
    {
        public static readonly ReportTick Instance = new();
    }

    private sealed class Running(TaskId id, IActorRef actor, int number)
    {
        public TaskId Id { get; } = id;
        public IActorRef Actor { get; } = actor;
        public int Number { get; } = number;
        public TaskReport? Report { get; set; }
        /// <summary>Ended, stopped by order or already reported: its Terminated is expected.</summary>
        public bool Settled { get; set; }
        public bool CrashRequested { get; set; }
        public TaskCompleted? Completed { get; set; }
    }

    private readonly IActorRef _leader;
    private readonly string _operatorDir;
    private readonly string _logPath;
    private readonly RuntimeSettings _settings;
    private readonly TransportSettings _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _node;
    private readonly Dictionary<string, Running> _byName = new();
    private readonly Dictionary<IActorRef, Running> _byActor = new();
    private int _nextNumber;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef leaderProxy, string operatorDir, string logPath) =>
        Akka.Actor.Props.Create(() => new WorkerAgent(leaderProxy, operatorDir, logPath));

    public WorkerAgent(IActorRef leaderProxy, string operatorDir, string logPath)
    {
        _leader = leaderProxy;
        _operatorDir = Path.GetFullPath(operatorDir);
        _logPath = logPath;
        _settings = RuntimeSettings.Create(Context.System);
        _transport = TransportSettings.Create(Context.System);
        var self = Cluster.Get(Context.System).SelfAddress;
        _node = NodeName.Of(self);

        Receive<StartTask>(start => StartTask(start.Spec));
        Receive<StopJobTasks>(stop =>
        {
            foreach (var task in _byName.Values.Where(t => t.Id.JobId == stop.JobId && (stop.Attempt is null || t.Id.Attempt == stop.Attempt)))
            {
                task.Settled = true;
                Context.Stop(task.Actor);
            }
        });
        Receive<StopTask>(stop =>
        {
            if (!_byName.TryGetValue(stop.Id.ActorName, out var task)) return;
            task.Settled = true;
            Context.Stop(task.Actor);
        });
        Receive<CrashTask>(crash =>
        {
            if (!_byName.TryGetValue(crash.Id.ActorName, out var task)) return;
            _log.Warning("Task {0} is being killed (kill_task)", crash.Id);
            task.CrashRequested = true;
            task.Actor.Tell(Kill.Instance);
        });
        Receive<TaskReport>(report =>
        {
            if (_byActor.TryGetValue(Sender, out var task)) task.Report = report;
        });
        Receive<TaskCompleted>(completed =>
        {
            if (_byActor.TryGetValue(Sender, out var task)) task.Completed = completed;
            ToLeader(completed, settle: true);
        });
        Receive<RecoveryProtocol.ReportTasks>(_ =>
        {
            foreach (var task in _byName.Values)
            {
                Sender.Tell(new TaskStarted(task.Id, _node, task.Actor, task.Number, _logPath));
                if (task.Completed is { } completed) Sender.Tell(completed);
            }
            Sender.Tell(new RecoveryProtocol.TasksReported(_node, _byName.Count));
        });
        Receive<TaskFailed>(failed => ToLeader(failed, settle: true));
        Receive<OutputLines>(lines => _leader.Tell(lines));
        Receive<RecoveryProtocol.FirstOutput>(first => _leader.Tell(first));
        Receive<Terminated>(OnTerminated);
        Receive<RegisterTick>(_ => _leader.Tell(new RegisterWorker(_node, Self)));
        Receive<ReportTick>(_ => _leader.Tell(new WorkerReport(_node,
            _byName.Values.Where(t => t.Report is not null).Select(t => t.Report!).ToList())));
    }

    protected override void PreStart()
    {
        _leader.Tell(new RegisterWorker(_node, Self));
        Timers.StartPeriodicTimer("register", RegisterTick.Instance, TimeSpan.FromSeconds(2));
        Timers.StartPeriodicTimer("report", ReportTick.Instance, _settings.ReportInterval);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void StartTask(TaskSpec spec)
    {
        spec = spec with { OperatorDir = _operatorDir };
        if (_byName.TryGetValue(spec.Name, out var existing))
        {
            Sender.Tell(new TaskStarted(spec.Id, _node, existing.Actor, existing.Number, _logPath));
            return;
        }
        var actor = Context.ActorOf(TaskProps(spec), spec.Name);
        Context.Watch(actor);
        var task = new Running(spec.Id, actor, ++_nextNumber);
        _byName[spec.Name] = task;
        _byActor[actor] = task;
        _log.Info("Task {0} started on {1}: {2} (task #{3})", spec.Id, _node, Describe(spec), task.Number);
        Sender.Tell(new TaskStarted(spec.Id, _node, actor, task.Number, _logPath));
    }

    private Props TaskProps(TaskSpec spec)
    {
        var hyDfs = HyDfsClient.For(Context.System);
        if (spec.IsSource) return SourceTask.Props(spec, _transport, hyDfs);
        Func<IActorContext, ITaskOutput>? sink = spec.IsLast ? context => new SinkOutput(spec, _settings, hyDfs, context) : null;
        var props = OperatorTask.Props(spec, _transport, sink);
        return OperatorFactory.IsBuiltIn(spec.Operator!.Op) ? props : props.WithDispatcher(UserOperatorDispatcher);
    }

    private static string Describe(TaskSpec spec) =>
        spec.IsSource
            ? $"source of '{spec.Plan.Source}' (blocks {spec.Id.Index}, {spec.Id.Index + spec.StageTasks}, ... of {spec.SourceBlockBytes} bytes)"
            : $"{spec.Operator!.Op} {spec.Operator.Arg}{(spec.IsLast ? $" -> '{spec.Plan.Destination}'" : "")}";

    private void ToLeader(object message, bool settle)
    {
        if (settle && _byActor.TryGetValue(Sender, out var task)) task.Settled = true;
        _leader.Tell(message);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!_byActor.Remove(terminated.ActorRef, out var task)) return;
        _byName.Remove(task.Id.ActorName);
        RuntimeMetrics.For(Context.System).Ended(task.Id);
        if (task.Settled) return;
        var reason = task.CrashRequested ? "killed by kill_task" : "its actor stopped unexpectedly";
        _log.Error("Task {0} failed: {1}", task.Id, reason);
        _leader.Tell(new TaskFailed(task.Id, $"task {task.Id} failed: {reason}"));
    }
}
