using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.UserOperators;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// One task of an operator stage, for every delivery mode: takes batches from its upstream edges (deduplicated by
/// edge and seq), runs the operator on them in rounds while its output has room, acknowledges a round's input batches
/// once the round is settled, and completes when every upstream edge has ended and its own output has drained. Holds,
/// key-group handoffs and upstream changes of a rescale are handled here too. An operator that throws fails the task
/// (never the node).
/// <para>Recovery is by checkpoints (docs/checkpoints.md, <see cref="OperatorTask"/>'s Checkpoints part): with
/// exactly_once the task aligns barriers and its sink stages appends until a checkpoint commits.</para>
/// </summary>
public sealed partial class OperatorTask : TaskActor
{
    /// <summary>Where the task is in its life (its <see cref="TaskPhase"/> in reports).</summary>
    private enum Phase
    {
        /// <summary>Waiting for its first routing (and restoring its checkpoint, if it has one).</summary>
        Starting,
        Running,
        /// <summary>Every input edge ended: its output is finishing.</summary>
        Draining,
        Completed,
        /// <summary>It failed and is stopping.</summary>
        Failed,
    }

    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly Func<IActorContext, ITaskOutput>? _sinkFactory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly InboundEdges _inbound;
    private readonly BarrierAligner _aligner;
    private readonly Queue<(TupleBatch Batch, IActorRef Sender)> _queue = new();
    private readonly List<StreamTuple> _outputs = [];
    private readonly RateMeter _meter = new();
    private IOperator? _operator;
    private ITaskOutput? _output;
    private Phase _phase;
    private bool _firstOutputSent;
    /// <summary>The job master holding this task's output for a rescale (held whole, it takes no input until the next
    /// routing; held partly, it keeps the moving key groups' tuples aside and the rest flows).</summary>
    private HoldState? _hold;
    /// <summary>Stateful stage: the key groups this task owns and the epoch of that ownership.</summary>
    private (int Epoch, HashSet<int> Groups)? _own;

    /// <param name="sinkFactory">Creates the last stage's output (the HyDFS sink); unused by other stages.</param>
    public static Props Props(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory) =>
        Akka.Actor.Props.Create(() => new OperatorTask(spec, transport, sinkFactory));

    public OperatorTask(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory)
        : base(spec, transport)
    {
        _spec = spec;
        _transport = transport;
        _sinkFactory = sinkFactory;
        _inbound = new InboundEdges(spec.UpstreamTasks.Select(InboundEdge));
        _aligner = new BarrierAligner(spec.Checkpoints);
        _phase = Phase.Starting;
        BecomeInitial();
    }

    private IStatefulOperator? Stateful => _operator as IStatefulOperator;

    private TaskPhase Reported => _phase switch
    {
        Phase.Starting => TaskPhase.Starting,
        Phase.Running => TaskPhase.Running,
        Phase.Draining => TaskPhase.Draining,
        _ => TaskPhase.Completed,
    };

    protected override void PreStart()
    {
        if (!Guard(() => { _operator = OperatorFactory.Create(_spec.Operator!, _spec.OperatorDir); })) return;
        base.PreStart();
    }

    protected override void PostStop() => _operator?.Dispose();

    private Edge InboundEdge(int upstreamTask) => new(_spec.Id.EdgeJobId, _spec.Id.Stage - 1, upstreamTask, _spec.Id.Index);

    // ---- the lifecycle -------------------------------------------------------------------------------------------

    protected override void Active()
    {
        Receive<TupleBatch>(OnBatch);
        Receive<Routing>(OnRouting);
        Receive<CheckpointProtocol.TriggerCheckpoint>(OnTrigger);
        Receive<CheckpointProtocol.CommitCheckpoint>(OnCommit);
        ReceiveCheckpointParts();
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
            Context.Parent.Tell(new TaskReport(_spec.Id, Reported, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, (_operator as UserOperator)?.CurrentPid,
                _queue.Sum(q => (long)q.Batch.Tuples.Length), _meter.BusyFraction, (_output as EdgeOutput)?.TakeGroupsOut()));
        });
        ReceiveAny(message =>
        {
            if (_output is not null && Guard(() => _output.Handle(message))) Work();
            else Unhandled(message);
        });
    }

    private void OnRouting(Routing routing)
    {
        Coordinator = Sender;
        if (routing.Own is { } own) _own = (own.Epoch, own.Groups.ToHashSet());
        if (_output is null)
        {
            if (!Guard(() => CreateOutput(routing))) return;
            if (!Guard(() => ApplyRestored(routing))) return;
            if (_phase == Phase.Starting) _phase = Phase.Running;
        }
        else if (_output is EdgeOutput edges && routing.Downstream is not null)
        {
            edges.Reroute(routing.Downstream);
        }
        _hold?.Cancel();
        _hold = null;
        Work();
    }

    /// <summary>The output: the HyDFS sink for the last stage, else the edges to the next stage.</summary>
    private void CreateOutput(Routing routing)
    {
        if (_spec.IsLast)
        {
            var sink = _sinkFactory!(Context);
            _output = sink;
            if (routing.Follow) sink.Handle(new SetFollow(true));
        }
        else
        {
            _output = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
        }
    }

    private void OnBatch(TupleBatch batch)
    {
        if (!_inbound.Knows(batch.Edge))
        {
            _log.Warning("Task {0} dropped a batch on unexpected edge {1}", _spec.Id, batch.Edge);
            return;
        }
        switch (_inbound.Receive(batch.Edge, batch.Seq))
        {
            case Arrival.New when NotMine(batch):
                _inbound.Refuse(batch.Edge, batch.Seq);
                Sender.Tell(new BatchRefused(batch.Edge, batch.Seq, _own!.Value.Epoch));
                break;
            case Arrival.New:
                if (BehindBarrier(batch)) break;
                _queue.Enqueue((batch, Sender));
                Work();
                break;
            case Arrival.Done:
                Sender.Tell(new BatchAck(batch.Edge, batch.Seq));
                break;
        }
    }

    /// <summary>The batch was cut under an older routing epoch than this task's ownership and holds a tuple of a key
    /// group the task does not own: processing it would count that tuple where the group's state is not.</summary>
    private bool NotMine(TupleBatch batch)
    {
        if (_own is not { } own || batch.Epoch >= own.Epoch || _operator is null) return false;
        foreach (var tuple in batch.Tuples)
            if (!own.Groups.Contains(KeyGroups.Of(_operator.PartitionKey(tuple)))) return true;
        return false;
    }

    private void Work()
    {
        using var busy = _meter.Busy();
        if (_output is null || _phase is Phase.Completed or Phase.Failed) return;
        if (_hold is not null)
        {
            AnswerHold();
            if (_hold.Whole) return;
        }
        while (_queue.Count > 0 && _output.HasRoom)
        {
            if (!Guard(RunRound)) return;
        }
        if (_phase == Phase.Running && _queue.Count == 0 && _inbound.AllEnded && _hold is null)
        {
            _phase = Phase.Draining;
            if (!Guard(() => _output.Finish())) return;
        }
        if (_phase == Phase.Draining && _output.Drained)
        {
            _phase = Phase.Completed;
            _log.Info("Task {0} completed: {1} tuples in, {2} tuples out", _spec.Id, _meter.TuplesIn, _meter.TuplesOut);
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    /// <summary>Runs the operator on the next queued batch, hands its outputs on and acknowledges it.</summary>
    private void RunRound()
    {
        var (batch, sender) = _queue.Dequeue();
        _outputs.Clear();
        if (batch.Tuples.Length > 0) _operator!.Process(batch.Tuples, _outputs);
        _meter.CountIn(batch.Tuples.Length);
        _meter.CountOut(_outputs.Count);
        Emit();
        _inbound.Complete(batch.Edge, batch.Seq, batch.EndOfStream);
        sender.Tell(new BatchAck(batch.Edge, batch.Seq));
        CheckpointIfReached();
    }

    /// <summary>Hands the round's outputs to the output.</summary>
    private void Emit()
    {
        if (_outputs.Count == 0) return;
        _output!.Emit(_outputs);
        if (_firstOutputSent) return;
        _firstOutputSent = true;
        Context.Parent.Tell(new FirstOutput(_spec.Id));
    }

    private void Fail(Exception e)
    {
        var reason = e is OperatorException or HyDfsSinkException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        _log.Error("Task {0} ({1}) failed: {2}", _spec.Id, _spec.Operator!.Op, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} ({_spec.Operator!.Op}) failed: {reason}"));
        _phase = Phase.Failed;
        Context.Stop(Self);
    }
}
