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
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// One task of an operator stage, for every delivery mode: takes batches from its upstream edges (deduplicated by
/// edge and seq), runs the operator on them in rounds while its output has room, acknowledges a round's input batches
/// once the round is settled, and completes when every upstream edge has ended and its own output has drained. Holds,
/// key-group handoffs and upstream changes of a rescale are handled here too. An operator that throws fails the task
/// (never the node).
/// <para>With exactly_once the task owns a <see cref="TaskDurability"/>, and that is all that differs: a round (input
/// marks, state delta, outputs) settles once its <see cref="TaskJournal"/> append is durable (a plain task settles each
/// batch at once), outputs are cut into batches per round so that a replay cuts them alike, a snapshot now and then
/// bounds the replay, and every step of a rescale that changes what the task owns (hold, handoff, takeover, forgotten
/// edges) is in the journal before it is answered. After a crash the journal restores state, dedup marks and
/// outputs; the outputs are resent with their original seqs, and downstream drops those it already has.</para>
/// </summary>
public sealed partial class OperatorTask : TaskActor
{
    /// <summary>Where the task is in its life (its <see cref="TaskPhase"/> in reports).</summary>
    private enum Phase
    {
        /// <summary>exactly_once: its journal is being replayed (messages wait).</summary>
        Recovering,
        /// <summary>Waiting for its first routing.</summary>
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
    private readonly RoundStats _rounds = new();
    private IOperator? _operator;
    private ITaskOutput? _output;
    private Phase _phase;
    private bool _firstOutputSent;
    /// <summary>exactly_once, after recovery until the first routing: what the output starts from.</summary>
    private TaskSnapshot? _restored;
    /// <summary>exactly_once, after recovery until the first routing: the journaled rounds and hold records to cut again.</summary>
    private readonly List<IRecoveryRecord> _replayed = [];
    private int _roundsSinceSnapshot;
    /// <summary>exactly_once: the key groups of the hold whose start is the journal's last hold record (its release is
    /// journaled before what was kept aside goes out).</summary>
    private int[]? _journaledHold;
    /// <summary>exactly_once: a hold's end is being journaled; the routing it applies when it is (the latest one: a task
    /// restarted meanwhile must get the batches its predecessor never acknowledged).</summary>
    private StageRouting? _releasing;
    /// <summary>exactly_once: steps that need every round under way in the journal (a snapshot of this point); while any
    /// waits, no new round starts, so a stage under flow still reaches such a point at once.</summary>
    private readonly List<Action> _afterRounds = [];
    /// <summary>The job master holding this task's output for a rescale (held whole, it takes no input until the next
    /// routing; held partly, it keeps the moving key groups' tuples aside and the rest flows).</summary>
    private HoldState? _hold;
    /// <summary>Stateful stage: the key groups this task owns and the epoch of that ownership.</summary>
    private (int Epoch, HashSet<int> Groups)? _own;

    /// <param name="sinkFactory">Creates the last stage's output (the HyDFS sink); unused by other stages.</param>
    /// <param name="exactlyOnce">The recovery settings of an exactly_once task (it then journals its rounds); null for
    /// an at-least-once task.</param>
    public static Props Props(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory,
        RecoverySettings? exactlyOnce = null) =>
        Akka.Actor.Props.Create(() => new OperatorTask(spec, transport, sinkFactory, exactlyOnce));

    public OperatorTask(TaskSpec spec, TransportSettings transport, Func<IActorContext, ITaskOutput>? sinkFactory, RecoverySettings? exactlyOnce)
        : base(spec, transport, exactlyOnce)
    {
        _spec = spec;
        _transport = transport;
        _sinkFactory = sinkFactory;
        _inbound = new InboundEdges(spec.UpstreamTasks.Select(InboundEdge));
        _aligner = new BarrierAligner(spec.Checkpoints);
        _phase = exactlyOnce is null ? Phase.Starting : Phase.Recovering;
        BecomeInitial();
    }

    private IStatefulOperator? Stateful => _operator as IStatefulOperator;

    private TaskPhase Reported => _phase switch
    {
        Phase.Recovering or Phase.Starting => TaskPhase.Starting,
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
            if (Durability is { Stuck: true })
            {
                Fail(new HyDfsSinkException($"a journal append has not completed within {Durability.Settings.StuckAfter.TotalSeconds:0} s"));
                return;
            }
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
        Receive<TaskJournal.Appended>(_ =>
        {
            if (_phase != Phase.Failed) Durability!.Appended();
        });
        Receive<TaskJournal.SnapshotSaved>(_ =>
        {
            Durability!.SnapshotAnswered(stored: true);
            Work();
        });
        Receive<TaskJournal.SnapshotFailed>(failed =>
        {
            if (!Durability!.SnapshotAnswered(stored: false))
                Fail(new HyDfsSinkException($"a snapshot the rescale needs could not be saved: {failed.Reason}"));
        });
        ReceiveJournalDeath();
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
            Reroute(edges, routing.Downstream);
        }
        _hold?.Cancel();
        _hold = null;
        Work();
    }

    /// <summary>The output; with exactly_once it starts from the snapshot's outstanding batches and seqs (and a partial
    /// hold's kept-aside tuples), then the replayed rounds' outputs are cut again (same batches, same seqs) and queued
    /// to be resent. A hold the journal leaves open ends with this routing.</summary>
    private void CreateOutput(Routing routing)
    {
        if (_spec.IsLast)
        {
            var sink = _sinkFactory!(Context);
            if (_restored is not null && sink is SinkOutput durable) durable.Restore(_restored.Appends, _restored.SinkSeq);
            _output = sink;
            if (routing.Follow) sink.Handle(new SetFollow(true));
        }
        else
        {
            var edges = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            if (_restored is not null) edges.Edges.Restore(_restored.Outstanding, _restored.NextSeqs, _restored.Finishing);
            if (_restored?.HeldGroups is { } held) edges.RestoreHold(held, _restored.KeptAside ?? []);
            _output = edges;
        }
        foreach (var step in _replayed)
        {
            switch (step)
            {
                case TaskRound round:
                    Emit(round.Outputs);
                    break;
                case HoldStarted started:
                    (_output as EdgeOutput)?.TryHoldGroups(started.Groups);
                    break;
                case HoldReleased when _output is EdgeOutput edges:
                    edges.Reroute(routing.Downstream!);
                    edges.Edges.Flush(force: true);
                    break;
            }
        }
        _replayed.Clear();
        _restored = null;
        if (_output is EdgeOutput { HeldGroups: { } open } output)
        {
            _journaledHold = open;
            Reroute(output, routing.Downstream!);
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
        RunAfterRounds();
        if (_hold is not null)
        {
            AnswerHold();
            if (_hold.Whole) return;
        }
        while (_queue.Count > 0 && _afterRounds.Count == 0 && _output.HasRoom && (Durability?.CanStartRound ?? true))
        {
            if (!Guard(RunRound)) return;
        }
        if (Durability is { InFlight: > 0 }) return;
        if (_phase == Phase.Running && _queue.Count == 0 && _inbound.AllEnded && _hold is null)
        {
            _phase = Phase.Draining;
            if (!Guard(() => _output.Finish())) return;
        }
        if (_phase == Phase.Draining && _output.Drained)
        {
            _phase = Phase.Completed;
            _log.Info("Task {0} completed: {1} tuples in, {2} tuples out{3}", _spec.Id, _meter.TuplesIn, _meter.TuplesOut,
                Durability is null ? "" : "; " + _rounds.Describe("input batches"));
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    /// <summary>Runs the operator on the next queued batch (at-least-once: settled at once), or on up to
    /// max-batches-per-round of them as one journal round (exactly_once: settled once durable; rounds are pipelined
    /// and settle in order; a retry of a batch in a round under way is still Pending in the dedup marks and dropped).</summary>
    private void RunRound()
    {
        if (Durability is null)
        {
            var (batch, sender) = _queue.Dequeue();
            _outputs.Clear();
            if (batch.Tuples.Length > 0) _operator!.Process(batch.Tuples, _outputs);
            Settle(batch.Tuples.Length, _outputs);
            Acknowledge(new InputMark(batch.Edge, batch.Seq, batch.EndOfStream), sender);
            CheckpointIfReached();
            return;
        }
        var inputs = new List<InputMark>();
        var senders = new List<IActorRef>();
        long tuplesIn = 0;
        _outputs.Clear();
        var outputChars = 0L;
        var settings = Durability.Settings;
        while (_queue.Count > 0 && inputs.Count < settings.MaxBatchesPerRound && outputChars < settings.MaxRoundChars)
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
        var startedAt = Environment.TickCount64;
        Durability.Append(round, () =>
        {
            _rounds.Persisted(round.Inputs.Length, startedAt);
            if (!Guard(() => Settle(round.TuplesIn, round.Outputs))) return;
            for (var i = 0; i < round.Inputs.Length; i++) Acknowledge(round.Inputs[i], senders[i]);
            // A snapshot must cover exactly the journal up to its sequence number: only with no round under way.
            if (++_roundsSinceSnapshot >= Durability.Settings.SnapshotEvery && Durability.InFlight == 0) SaveSnapshot();
            Work();
        });
    }

    /// <summary>A round's effects take place: counted, and its outputs handed to the output.</summary>
    private void Settle(long tuplesIn, IReadOnlyCollection<StreamTuple> outputs)
    {
        _meter.CountIn((int)tuplesIn);
        _meter.CountOut(outputs.Count);
        Emit(outputs);
    }

    private void Acknowledge(InputMark input, IActorRef sender)
    {
        _inbound.Complete(input.Edge, input.Seq, input.EndOfStream);
        sender.Tell(new BatchAck(input.Edge, input.Seq));
    }

    /// <summary>Hands outputs to the output; with exactly_once each round's outputs become their own batches (a replay
    /// cuts them alike, so they keep their seqs).</summary>
    private void Emit(IReadOnlyCollection<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        if (!ReferenceEquals(outputs, _outputs))
        {
            _outputs.Clear();
            _outputs.AddRange(outputs);
        }
        _output!.Emit(_outputs);
        if (Durability is not null && _output is EdgeOutput edges) edges.Edges.Flush(force: true);
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
