using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A source task, for every delivery mode: streams the job's HyDFS source chunk by chunk (<see cref="SourceFeed"/>),
/// emits the lines it owns as tuples <c>&lt;file:line, line&gt;</c> in rounds, paced at its share of the job's input
/// rate and held back by the credit windows of its edges, then ends its edges and completes once everything is
/// acknowledged. Routing, holds, ticks, reports and completion are written once here.
/// <para>With exactly_once the task owns a <see cref="TaskDurability"/>, and that is all that differs: a round is only
/// its size in the <see cref="TaskJournal"/>, journaled before its lines are read and sent; its lines are cut into
/// batches deterministically (a forced seal per round), so after a crash the source skips the lines acknowledged
/// downstream, regenerates the unacknowledged rounds with the same batch seqs (downstream drops what it already has),
/// then continues. A snapshot of the acknowledged progress bounds the replay, and a held source journals one before
/// it answers (no replay crosses a rescale).</para>
/// </summary>
public sealed partial class SourceTask : TaskActor
{
    /// <summary>Lines per round of an at-least-once source (nothing is journaled, so rounds only bound a step).</summary>
    private const int PlainRoundLines = 2048;

    private enum Phase
    {
        /// <summary>exactly_once: its journal is being replayed (messages wait).</summary>
        Recovering,
        /// <summary>Waiting for its routing (then it opens the source).</summary>
        Starting,
        Running,
        Completed,
        Failed,
    }

    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly RecoverySettings? _exactlyOnce;
    private readonly HyDfsClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SourceFeed _feed;
    private readonly RateMeter _meter = new();
    private readonly RoundStats _rounds = new();
    private readonly CancellationTokenSource _stop = new();
    /// <summary>exactly_once, in <see cref="_toSend"/> and <see cref="_sent"/> between rounds: a partial hold starts
    /// (the next rounds keep the held groups' tuples aside) or ends (what was kept aside goes out by the routing).</summary>
    private const int HoldStartMark = -1, HoldEndMark = -2;

    /// <summary>Rounds (their line counts) decided (and journaled) but not yet sent, and hold marks in journal order.</summary>
    private readonly Queue<int> _toSend = new();
    /// <summary>exactly_once: rounds sent and not yet acknowledged on every edge, with the seqs after them (and hold
    /// marks: a held round counts as acknowledged only with the batches its hold's end sent).</summary>
    private readonly Queue<(int Count, long[] SeqsAfter)> _sent = new();
    /// <summary>exactly_once: the key groups of the last partial hold journaled, and whether its end is not journaled yet.</summary>
    private int[]? _heldGroups;
    private bool _holdOpenInJournal;
    /// <summary>exactly_once: hold ends journaled or queued and not applied yet (they apply the latest routing; until
    /// then a new routing must not end the hold early).</summary>
    private int _holdEndsPending;
    /// <summary>The routing into the next stage last received (a hold's end releases by it).</summary>
    private StageRouting? _routing;
    private readonly TakenLines _round = new();
    private readonly TakenLines _skipped = new();
    private RatePacer _pacer;
    private EdgeOutput? _output;
    private Phase _phase;
    /// <summary>exactly_once, after recovery: owned lines to skip (acknowledged before the crash).</summary>
    private long _skip;
    private long _ackedTuples;
    private long[] _ackedSeqs = [];
    private int _roundsSinceSnapshot;
    private bool _firstOutputSent;
    /// <summary>The job master holding this source for a rescale (it emits nothing until the next routing).</summary>
    private HoldState? _hold;

    /// <param name="exactlyOnce">The recovery settings of an exactly_once source (it then journals its rounds); null
    /// for an at-least-once one.</param>
    public static Props Props(TaskSpec spec, TransportSettings transport, HyDfsClient client, RecoverySettings? exactlyOnce = null) =>
        Akka.Actor.Props.Create(() => new SourceTask(spec, transport, client, exactlyOnce));

    public SourceTask(TaskSpec spec, TransportSettings transport, HyDfsClient client, RecoverySettings? exactlyOnce)
        : base(spec, transport, exactlyOnce)
    {
        _spec = spec;
        _transport = transport;
        _client = client;
        _exactlyOnce = exactlyOnce;
        // An exactly_once source learns which lines are acknowledged from the batches that carried them (a recovery
        // skips those), and the autoscaler takes the source's pace as what the first stage is offered: so only an
        // at-least-once source of a job without autoscaling drops lines before they are sent.
        _feed = new SourceFeed(spec, Self, _stop.Token, exactlyOnce is null && !spec.Plan.Autoscale ? SourceFeed.PrefilterOf(spec) : null);
        _pacer = new RatePacer(spec.Plan.InputRate / spec.StageTasks);
        _phase = exactlyOnce is null ? Phase.Starting : Phase.Recovering;
        BecomeInitial();
    }

    private int RoundLines => _exactlyOnce?.SourceRoundLines ?? PlainRoundLines;

    private int RoundsAhead => _exactlyOnce?.SourceRoundsInFlight ?? 1;

    private TaskPhase Reported => _phase switch
    {
        Phase.Recovering or Phase.Starting => TaskPhase.Starting,
        Phase.Running when _feed.EndOfFile && _toSend.Count == 0 => TaskPhase.Draining,
        Phase.Running => TaskPhase.Running,
        _ => TaskPhase.Completed,
    };

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    // ---- the lifecycle -------------------------------------------------------------------------------------------

    protected override void Active()
    {
        Receive<Routing>(OnRouting);
        Receive<SetRate>(rate =>
        {
            _pacer = new RatePacer(rate.TuplesPerSecond);
            _log.Info("Task {0}: input rate set to {1} tuples/s", _spec.Id, rate.TuplesPerSecond);
            Emit();
        });
        Receive<RescaleProtocol.Hold>(hold =>
        {
            if (Durability is not null && hold.Groups is { Length: > 0 } groups && _output is { ByKeyGroup: true })
                HoldGroupsDurably(hold, groups);
            else
                _hold = HoldState.Start(_output, hold, Sender, keepGroupsAside: Durability is null);
            Emit();
        });
        Receive<SourceReader.Opened>(opened =>
        {
            _feed.Opened(opened.Reader);
            _log.Info("Task {0} reads '{1}' from {2}", _spec.Id, _spec.Plan.Source, _feed.Origin);
            Emit();
        });
        Receive<SourceReader.ChunkRead>(read =>
        {
            _feed.ChunkRead(read.Chunk);
            Emit();
        });
        Receive<CheckpointProtocol.TriggerCheckpoint>(OnTrigger);
        ReceiveCheckpointParts();
        Receive<SourceReader.ReadFailed>(failed => Fail($"reading '{_spec.Plan.Source}' from HyDFS failed: {failed.Error.Message}"));
        Receive<TaskTicks.Flush>(_ =>
        {
            _meter.Sample(_output is { HasRoom: false });
            if (Durability is { Stuck: true })
            {
                Fail($"a journal append has not completed within {Durability.Settings.StuckAfter.TotalSeconds:0} s");
                return;
            }
            _output?.Tick();
            Emit();
        });
        Receive<TaskTicks.Report>(_ =>
        {
            _meter.Roll();
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskReport(_spec.Id, Reported, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, null, GroupsOut: _output?.TakeGroupsOut()));
        });
        Receive<TaskJournal.Appended>(_ =>
        {
            if (_phase != Phase.Failed) Durability!.Appended();
        });
        Receive<TaskJournal.SnapshotSaved>(_ =>
        {
            Durability!.SnapshotAnswered(stored: true);
            Emit();
        });
        Receive<TaskJournal.SnapshotFailed>(failed =>
        {
            if (!Durability!.SnapshotAnswered(stored: false)) Fail($"the snapshot a rescale needs could not be saved: {failed.Reason}");
        });
        ReceiveJournalDeath();
        ReceiveAny(message =>
        {
            if (_output is not null && _output.Handle(message))
            {
                if (Durability is not null) TrimAcknowledged();
                Emit();
            }
            else Unhandled(message);
        });
    }

    private void OnRouting(Routing routing)
    {
        Coordinator = Sender;
        if (_output is null)
        {
            _output = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            if (_ackedSeqs.Length == 0) _ackedSeqs = _output.Edges.NextSeqs;
            else _output.Edges.Restore([], _ackedSeqs, finishing: false);
            _feed.Open(Context.System, _client);
            _phase = Phase.Running;
            _routing = routing.Downstream;
            if (_holdOpenInJournal) JournalHoldEnd(); // the hold a crash left open ends with this routing
        }
        else
        {
            _routing = routing.Downstream;
            if (_holdOpenInJournal) JournalHoldEnd();
            else if (_holdEndsPending == 0) _output.Reroute(routing.Downstream!);
        }
        _hold?.Cancel();
        _hold = null;
        Emit();
    }

    /// <summary>Skips the acknowledged lines (after a recovery), then sends the rounds decided (replayed ones first) as
    /// the credit windows allow and decides the next ones as the pace allows (exactly_once: journaled first, so a
    /// round is journaled before its lines are read and no round waits in memory for its append); ends the edges at
    /// the end of the file and completes once everything is acknowledged.</summary>
    private void Emit()
    {
        using var busy = _meter.Busy();
        if (_output is null || _phase != Phase.Running || !_feed.IsOpen) return;
        if (_hold is not null)
        {
            AnswerHold();
            if (_hold.Whole) return;
        }
        while (_skip > 0)
        {
            _skipped.Clear();
            var done = _feed.Fill(_skipped, (int)Math.Min(_skip, RoundLines), out var filled);
            _skip -= _skipped.Lines;
            if (!done) return;
            if (!filled) _skip = 0;
        }
        var allowance = _pacer.Allowance();
        while (true)
        {
            // A round being filled when a chunk is still being read stays in _round until the chunk arrives.
            while (_toSend.Count > 0 && RoomToSend)
            {
                if (_toSend.Peek() < 0)
                {
                    ApplyHoldMark(_toSend.Dequeue());
                    continue;
                }
                if (!_feed.Fill(_round, _toSend.Peek(), out _)) return;
                _toSend.Dequeue();
                Send(_round);
            }
            var decided = false;
            while (!_feed.Exhausted && allowance > 0 && (Durability?.InFlight ?? 0) + _toSend.Count < RoundsAhead && !FenceWanted)
            {
                var count = (int)Math.Min(allowance, RoundLines);
                allowance -= count;
                _pacer.Used(count);
                Decide(count);
                decided = true;
            }
            if (!decided || Durability is not null || !_output.HasRoom) break;
        }
        AskForLastBarrier();
        if (_feed.Exhausted && Durability is not { InFlight: > 0 } && _toSend.Count == 0 && !_output.Edges.Finishing && _hold is null
            && (!EndsAfterBarrier || _barrierAfterLastLine))
        {
            _output.Finish();
            _log.Info("Task {0} read all of '{1}': {2} lines, {3} of them emitted here", _spec.Id, _spec.Plan.Source, _feed.LinesSeen, _meter.TuplesOut);
        }
        if (_output.Edges.Finishing && _output.Drained)
        {
            _phase = Phase.Completed;
            _log.Info("Task {0} completed: {1} tuples emitted{2}", _spec.Id, _meter.TuplesOut, Durability is null ? "" : "; " + _rounds.Describe("lines"));
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    /// <summary>A round of <paramref name="count"/> lines is decided: it may be sent at once, or (exactly_once) once it is
    /// in the journal. A snapshot is taken only with no round in flight, so it covers exactly the journal up to its
    /// sequence number. Rounds journaled past the end of the file are empty.</summary>
    private void Decide(int count)
    {
        if (Durability is null)
        {
            _toSend.Enqueue(count);
            return;
        }
        var startedAt = Environment.TickCount64;
        Durability.Append(new SourceRound(count), () =>
        {
            _rounds.Persisted(count, startedAt);
            _toSend.Enqueue(count);
            if (++_roundsSinceSnapshot >= Durability.Settings.SnapshotEvery && Durability.InFlight == 0) SaveSnapshot();
            Emit();
        });
    }

    private void Send(TakenLines round)
    {
        if (round.Lines == 0) return;
        var tuples = round.Tuples;
        _meter.CountIn(round.Lines);
        _linesSent += round.Lines;
        _meter.CountOut(tuples.Count);
        if (tuples.Count > 0) _output!.Emit(tuples);
        if (Durability is not null)
        {
            _output!.Edges.Flush(force: true);
            _sent.Enqueue((round.Lines, _output.Edges.NextSeqs));
        }
        var emitted = tuples.Count;
        round.Clear();
        if (_firstOutputSent || emitted == 0) return;
        _firstOutputSent = true;
        Context.Parent.Tell(new FirstOutput(_spec.Id));
    }

    /// <summary>exactly_once: rounds whose every batch is acknowledged move into the acknowledged progress. The rounds
    /// of a partial hold move only together, once the batches its end sent (what they kept aside) are acknowledged.</summary>
    private void TrimAcknowledged()
    {
        while (_sent.TryPeek(out var head))
        {
            var through = head.Count == HoldStartMark ? _sent.ToList().FindIndex(r => r.Count == HoldEndMark) : 0;
            if (through < 0 || !Acknowledged(_sent.ElementAt(through).SeqsAfter)) return;
            for (var i = 0; i <= through; i++)
            {
                var round = _sent.Dequeue();
                if (round.Count > 0) _ackedTuples += round.Count;
                _ackedSeqs = round.SeqsAfter;
            }
        }
    }

    private bool Acknowledged(long[] seqsAfter)
    {
        var edges = _output!.Edges;
        return Enumerable.Range(0, Math.Min(seqsAfter.Length, edges.Destinations)).All(d => seqsAfter[d] < edges.LowestOutstanding(d));
    }

    private void SaveSnapshot(Action? saved = null)
    {
        _roundsSinceSnapshot = 0;
        TrimAcknowledged();
        var pending = _sent.Select(r => r.Count).Concat(_toSend).ToArray();
        Durability!.Save(new SourceSnapshot(_ackedTuples, _ackedSeqs, pending, pending.Contains(HoldStartMark) ? _heldGroups : null), saved);
    }

    private void Fail(string reason)
    {
        _log.Error("Task {0} (source) failed: {1}", _spec.Id, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} (source) failed: {reason}"));
        _phase = Phase.Failed;
        Context.Stop(Self);
    }
}
