using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Metrics;
using Akka.Persistence;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.UserOperators;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// An operator task of an exactly_once job (persistence id <c>task/job/stage/index</c>, journal on HyDFS). Each round
/// takes the queued input batches, drops what was already processed, runs the operator, and persists ONE
/// <see cref="TaskRound"/> (input marks, state delta, outputs); only then it acknowledges upstream and sends the
/// outputs. After a crash the journal (from the latest snapshot) restores state, dedup marks and outputs; the outputs
/// are cut into the same batches with the same seqs and resent, and downstream drops those it already has.
/// </summary>
public sealed class DurableOperatorTask : ReceivePersistentActor, IWithTimers
{
    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly RecoverySettings _recovery;
    private readonly Func<IActorContext, DurableSink> _sinkFactory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly InboundEdges _inbound;
    private readonly Queue<(TupleBatch Batch, IActorRef Sender)> _queue = new();
    private readonly List<StreamTuple> _outputs = [];
    private readonly RateMeter _meter = new();
    private readonly RoundStats _rounds = new();
    private readonly Stopwatch _recoveryClock = Stopwatch.StartNew();
    private readonly IOperator? _operator;
    private readonly Exception? _operatorError;
    private readonly List<StreamTuple[]> _replayed = [];
    private TaskSnapshot? _snapshot;
    private long _replayedEvents;
    private ITaskOutput? _output;
    private int _roundsSinceSnapshot;
    private int _inFlight;
    private long _inFlightSince;
    private bool _finishing;
    private bool _completed;
    private bool _firstOutputSent;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public static Props Props(TaskSpec spec, TransportSettings transport, RecoverySettings recovery, Func<IActorContext, DurableSink> sinkFactory) =>
        Akka.Actor.Props.Create(() => new DurableOperatorTask(spec, transport, recovery, sinkFactory));

    public DurableOperatorTask(TaskSpec spec, TransportSettings transport, RecoverySettings recovery, Func<IActorContext, DurableSink> sinkFactory)
    {
        _spec = spec;
        _transport = transport;
        _recovery = recovery;
        _sinkFactory = sinkFactory;
        PersistenceId = "task/" + spec.Id;
        JournalPluginId = HyDfsPersistenceHostingExtensions.JournalPluginId;
        SnapshotPluginId = HyDfsPersistenceHostingExtensions.SnapshotPluginId;
        _inbound = new InboundEdges(spec.UpstreamTasks.Select(u => new Edge(spec.Id.JobId, spec.Id.Stage - 1, u, spec.Id.Index)));
        try
        {
            _operator = OperatorFactory.Create(spec.Operator!, spec.OperatorDir);
        }
        catch (Exception e)
        {
            _operatorError = e;
        }

        Recover<SnapshotOffer>(offer => RestoreSnapshot((TaskSnapshot)offer.Snapshot));
        Recover<TaskRound>(round =>
        {
            ApplyRound(round);
            _replayed.Add(round.Outputs);
            _replayedEvents++;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<TupleBatch>(OnBatch);
        Command<Routing>(OnRouting);
        Command<TaskTicks.Flush>(_ =>
        {
            _meter.Sample(_queue.Count > 0 && _output is { HasRoom: false });
            if (_inFlight > 0 && Environment.TickCount64 - _inFlightSince > (long)_recovery.StuckAfter.TotalMilliseconds)
            {
                Fail(new HyDfsSinkException($"a journal append has not completed within {_recovery.StuckAfter.TotalSeconds:0} s"));
                return;
            }
            Guard(() => _output?.Tick());
            Work();
        });
        Command<TaskTicks.Report>(_ =>
        {
            _meter.Roll();
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskReport(_spec.Id, State, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, (_operator as UserOperator)?.CurrentPid));
        });
        Command<SaveSnapshotSuccess>(saved => DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => _log.Warning("Task {0}: snapshot failed: {1}", _spec.Id, failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        CommandAny(message =>
        {
            if (_output is not null && Guard(() => _output.Handle(message))) Work();
            else Unhandled(message);
        });
    }

    private TaskPhase State => _completed ? TaskPhase.Completed : _finishing ? TaskPhase.Draining : _output is null ? TaskPhase.Starting : TaskPhase.Running;

    private IStatefulOperator? Stateful => _operator as IStatefulOperator;

    protected override void PostStop() => _operator?.Dispose();

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error("Task {0}: journal append {1} failed: {2}", _spec.Id, sequenceNr, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error("Task {0}: recovery from its journal failed: {1}", _spec.Id, reason.Message);
        base.OnRecoveryFailure(reason, message);
    }

    private void RestoreSnapshot(TaskSnapshot snapshot)
    {
        _snapshot = snapshot;
        _inbound.Restore(snapshot.Marks);
        if (snapshot.State.Count > 0) Stateful?.Restore(snapshot.State);
        _meter.CountIn((int)Math.Min(int.MaxValue, snapshot.TuplesIn));
        _meter.CountOut((int)Math.Min(int.MaxValue, snapshot.TuplesOut));
    }

    private void ApplyRound(TaskRound round)
    {
        if (round.Delta is not null) Stateful?.ApplyDelta(round.Delta);
        foreach (var input in round.Inputs) _inbound.Complete(input.Edge, input.Seq, input.EndOfStream);
        _meter.CountIn((int)round.TuplesIn);
        _meter.CountOut(round.Outputs.Length);
    }

    private void OnRecovered()
    {
        _recoveryClock.Stop();
        if (_operatorError is not null)
        {
            Fail(_operatorError);
            return;
        }
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, _transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
        if (_snapshot is null && _replayedEvents == 0) return;
        _roundsSinceSnapshot = (int)_replayedEvents;
        var tuples = _replayed.Sum(r => (long)r.Length) + (_snapshot?.Outstanding.Sum(b => (long)b.Tuples.Length) ?? 0);
        _log.Info("Task {0} recovered from its journal in {1} ms: snapshot {2}, {3} events replayed, {4} outputs to resend",
            _spec.Id, _recoveryClock.ElapsedMilliseconds, _snapshot is null ? "none" : "loaded", _replayedEvents, tuples);
        Context.Parent.Tell(new TaskRecovered(_spec.Id, _replayedEvents, _snapshot is not null, tuples, _recoveryClock.Elapsed));
    }

    private void OnRouting(Routing routing)
    {
        if (_output is null)
        {
            if (!Guard(() => CreateOutput(routing))) return;
        }
        else if (_output is EdgeOutput edges && routing.Downstream is not null)
        {
            edges.Reroute(routing.Downstream);
        }
        Work();
    }

    /// <summary>The output starts from the snapshot's outstanding batches and seqs, then the replayed rounds' outputs
    /// are cut again (same batches, same seqs) and queued to be resent.</summary>
    private void CreateOutput(Routing routing)
    {
        if (_spec.IsLast)
        {
            var sink = _sinkFactory(Context);
            if (_snapshot is not null) sink.Restore(_snapshot.Appends, _snapshot.SinkSeq);
            _output = sink;
            if (routing.Follow) sink.Handle(new SetFollow(true));
        }
        else
        {
            var edges = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            if (_snapshot is not null) edges.Edges.Restore(_snapshot.Outstanding, _snapshot.NextSeqs, _snapshot.Finishing);
            _output = edges;
        }
        foreach (var outputs in _replayed) Produce(outputs);
        _replayed.Clear();
        _snapshot = null;
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
        while (_queue.Count > 0 && _output.HasRoom && _inFlight < _recovery.RoundsInFlight)
        {
            if (!Guard(PersistRound)) return;
        }
        if (_inFlight > 0) return;
        if (!_finishing && _queue.Count == 0 && _inbound.AllEnded)
        {
            _finishing = true;
            if (!Guard(() => _output.Finish())) return;
        }
        if (_finishing && _output.Drained)
        {
            _completed = true;
            _log.Info("Task {0} completed: {1} tuples in, {2} tuples out; {3}", _spec.Id, _meter.TuplesIn, _meter.TuplesOut, _rounds.Describe("input batches"));
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    /// <summary>Processes up to max-batches-per-round queued batches and persists them as one round. Rounds are
    /// pipelined (PersistAsync, handlers in order); a round's inputs are acknowledged and its outputs sent only once it
    /// is durable. A retry of a batch in a round under way is still Pending in the dedup marks and dropped.</summary>
    private void PersistRound()
    {
        var inputs = new List<InputMark>();
        var senders = new List<IActorRef>();
        long tuplesIn = 0;
        _outputs.Clear();
        var outputChars = 0L;
        while (_queue.Count > 0 && inputs.Count < _recovery.MaxBatchesPerRound && outputChars < _recovery.MaxRoundChars)
        {
            var (batch, sender) = _queue.Dequeue();
            var before = _outputs.Count;
            if (batch.Tuples.Length > 0) _operator!.Process(batch.Tuples, _outputs);
            for (var i = before; i < _outputs.Count; i++) outputChars += _outputs[i].Key.Length + _outputs[i].Value.Length + 8;
            tuplesIn += batch.Tuples.Length;
            inputs.Add(new InputMark(batch.Edge, batch.Seq, batch.EndOfStream));
            senders.Add(sender);
        }
        var round = new TaskRound(inputs.ToArray(), Stateful?.TakeDelta(), _outputs.ToArray(), tuplesIn);
        if (_inFlight++ == 0) _inFlightSince = Environment.TickCount64;
        var startedAt = Environment.TickCount64;
        PersistAsync(round, persisted =>
        {
            _rounds.Persisted(persisted.Inputs.Length, startedAt);
            _inFlight--;
            _inFlightSince = Environment.TickCount64;
            foreach (var input in persisted.Inputs) _inbound.Complete(input.Edge, input.Seq, input.EndOfStream);
            _meter.CountIn((int)persisted.TuplesIn);
            _meter.CountOut(persisted.Outputs.Length);
            if (!Guard(() => Produce(persisted.Outputs))) return;
            for (var i = 0; i < persisted.Inputs.Length; i++)
                senders[i].Tell(new BatchAck(persisted.Inputs[i].Edge, persisted.Inputs[i].Seq));
            if (persisted.Outputs.Length > 0 && !_firstOutputSent)
            {
                _firstOutputSent = true;
                Context.Parent.Tell(new FirstOutput(_spec.Id));
            }
            // A snapshot must cover exactly the journal up to its sequence number: only with no round under way.
            if (++_roundsSinceSnapshot >= _recovery.SnapshotEvery && _inFlight == 0) TakeSnapshot();
            Work();
        });
    }

    private void Produce(StreamTuple[] outputs)
    {
        if (outputs.Length == 0) return;
        _outputs.Clear();
        _outputs.AddRange(outputs);
        _output!.Emit(_outputs);
        if (_output is EdgeOutput edges) edges.Edges.Flush(force: true);
    }

    private void TakeSnapshot()
    {
        _roundsSinceSnapshot = 0;
        var sink = _output as DurableSink;
        var edges = (_output as EdgeOutput)?.Edges;
        SaveSnapshot(new TaskSnapshot(
            _inbound.Marks().ToArray(),
            Stateful?.Snapshot() ?? new Dictionary<int, byte[]>(),
            edges?.Outstanding().ToArray() ?? [],
            edges?.NextSeqs ?? [],
            edges?.Finishing ?? false,
            sink?.Outstanding() ?? [],
            sink?.Seq ?? 0,
            _meter.TuplesIn, _meter.TuplesOut));
    }

    private bool Guard(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (Exception e) when (!_completed)
        {
            Fail(e);
            return false;
        }
    }

    private void Fail(Exception e)
    {
        var reason = e is OperatorException or HyDfsSinkException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        _log.Error("Task {0} ({1}) failed: {2}", _spec.Id, _spec.Operator!.Op, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} ({_spec.Operator!.Op}) failed: {reason}"));
        _completed = true;
        Context.Stop(Self);
    }
}
