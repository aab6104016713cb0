using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.UserOperators;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// One task of an operator stage: takes batches from its upstream edges (deduplicated), runs the operator on them
/// while its output has room, acknowledges each batch once processed, and completes when every upstream edge has
/// ended and its own output has drained. An operator that throws fails the task (never the node).
/// </summary>
public sealed class OperatorTask : ReceiveActor, IWithTimers
{
    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly Func<IActorContext, ITaskOutput>? _sinkFactory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly InboundEdges _inbound;
    private readonly Queue<(TupleBatch Batch, IActorRef Sender)> _queue = new();
    private readonly List<StreamTuple> _outputs = [];
    private readonly RateMeter _meter = new();
    private IOperator? _operator;
    private ITaskOutput? _output;
    private bool _finishing;
    private bool _completed;
    /// <summary>The job master holding this task for a rescale (it takes no input until the next routing).</summary>
    private HoldState? _hold;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="sinkFactory">Creates the last stage's output (the HyDFS sink); unused by other stages.</param>
    public static Props Props(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory) =>
        Akka.Actor.Props.Create(() => new OperatorTask(spec, transport, sinkFactory));

    public OperatorTask(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory)
    {
        _spec = spec;
        _transport = transport;
        _sinkFactory = sinkFactory;
        _inbound = new InboundEdges(spec.UpstreamTasks.Select(InboundEdge));

        Receive<TupleBatch>(OnBatch);
        Receive<Routing>(OnRouting);
        ReceiveRescale();
        Receive<TaskTicks.Flush>(_ =>
        {
            _meter.Sample(_queue.Count > 0 && _output is { HasRoom: false });
            Guard(() => _output?.Tick());
            Work();
        });
        Receive<TaskTicks.Report>(_ =>
        {
            _meter.Roll();
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskReport(_spec.Id, State, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, (_operator as UserOperator)?.CurrentPid,
                _queue.Sum(q => (long)q.Batch.Tuples.Length), _meter.BusyFraction));
        });
        ReceiveAny(message =>
        {
            if (_output is not null && Guard(() => _output.Handle(message))) Work();
            else Unhandled(message);
        });
    }

    private TaskPhase State => _completed ? TaskPhase.Completed : _finishing ? TaskPhase.Draining : _output is null ? TaskPhase.Starting : TaskPhase.Running;

    protected override void PreStart()
    {
        if (!Guard(() => { _operator = OperatorFactory.Create(_spec.Operator!, _spec.OperatorDir); })) return;
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, _transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _operator?.Dispose();

    private void OnRouting(Routing routing)
    {
        if (_output is null)
        {
            _output = _spec.IsLast
                ? _sinkFactory!(Context)
                : EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            if (routing.Follow) _output.Handle(new SetFollow(true));
        }
        else if (_output is EdgeOutput edges && routing.Downstream is not null)
        {
            edges.Reroute(routing.Downstream);
        }
        _hold = null;
        Work();
    }

    private void ReceiveRescale()
    {
        Receive<RescaleProtocol.Hold>(_ =>
        {
            _hold = new HoldState(Sender);
            (_output as EdgeOutput)?.FlushAll();
            Work();
        });
        Receive<RescaleProtocol.Retire>(_ =>
        {
            _log.Info("Task {0} leaves its stage (rescale): finishing", _spec.Id);
            _inbound.EndAll();
            Work();
        });
        Receive<RescaleProtocol.ExpectUpstream>(expect =>
        {
            _inbound.Forget((expect.Forget ?? []).Select(InboundEdge));
            _inbound.Expect(expect.UpstreamTasks.Select(InboundEdge));
            Sender.Tell(new RescaleProtocol.UpstreamExpected(_spec.Id));
        });
        Receive<RescaleProtocol.HandOff>(handOff =>
        {
            var groups = handOff.KeyGroups.ToHashSet();
            var state = Stateful?.Snapshot(groups) ?? new Dictionary<int, byte[]>();
            Stateful?.Remove(groups);
            Sender.Tell(new RescaleProtocol.HandedOff(_spec.Id, state));
        });
        Receive<RescaleProtocol.TakeOver>(takeOver =>
        {
            if (takeOver.State.Count > 0) Stateful?.Restore(takeOver.State);
            Sender.Tell(new RescaleProtocol.TookOver(_spec.Id));
        });
    }

    private IStatefulOperator? Stateful => _operator as IStatefulOperator;

    private Edge InboundEdge(int upstreamTask) => new(_spec.Id.EdgeJobId, _spec.Id.Stage - 1, upstreamTask, _spec.Id.Index);

    private void OnBatch(TupleBatch batch)
    {
        if (!_inbound.Knows(batch.Edge))
        {
            _log.Warning("Task {0} dropped a batch on unexpected edge {1}", _spec.Id, batch.Edge);
            return;
        }
        switch (_inbound.Receive(batch.Edge, batch.Seq))
        {
            case Arrival.New:
                _queue.Enqueue((batch, Sender));
                Work();
                break;
            case Arrival.Done:
                Sender.Tell(new BatchAck(batch.Edge, batch.Seq));
                break;
        }
    }

    private void Work()
    {
        using var busy = _meter.Busy();
        if (_output is null || _completed) return;
        if (_hold is not null)
        {
            _hold.AnswerOnce(_output is not EdgeOutput { Idle: false }, _spec.Id);
            return;
        }
        while (_queue.Count > 0 && _output.HasRoom)
        {
            var (batch, sender) = _queue.Dequeue();
            if (batch.Tuples.Length > 0 && !Guard(() => Process(batch))) return;
            _inbound.Complete(batch.Edge, batch.Seq, batch.EndOfStream);
            sender.Tell(new BatchAck(batch.Edge, batch.Seq));
        }
        if (!_finishing && _queue.Count == 0 && _inbound.AllEnded)
        {
            _finishing = true;
            if (!Guard(() => _output.Finish())) return;
        }
        if (_finishing && _output.Drained)
        {
            _completed = true;
            _log.Info("Task {0} completed: {1} tuples in, {2} tuples out", _spec.Id, _meter.TuplesIn, _meter.TuplesOut);
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    private bool Process(TupleBatch batch)
    {
        _outputs.Clear();
        _operator!.Process(batch.Tuples, _outputs);
        _meter.CountIn(batch.Tuples.Length);
        _meter.CountOut(_outputs.Count);
        _output!.Emit(_outputs);
        return true;
    }

    /// <summary>Runs a step that may fail because of the operator or the output; a failure fails the task cleanly.</summary>
    private bool Guard(Func<bool> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (!_completed)
        {
            Fail(e);
            return false;
        }
    }

    private bool Guard(Action step) => Guard(() => { step(); return true; });

    private void Fail(Exception e)
    {
        var reason = e is OperatorException or HyDfsSinkException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        _log.Error("Task {0} ({1}) failed: {2}", _spec.Id, _spec.Operator!.Op, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} ({_spec.Operator!.Op}) failed: {reason}"));
        _completed = true;
        Context.Stop(Self);
    }
}
