using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Metrics;
using Akka.Persistence;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// The source task of an exactly_once job. Every round of owned lines it emits is journaled (its size only) before it
/// is sent, and is cut into batches deterministically, so after a crash the source skips the lines acknowledged
/// downstream, regenerates the unacknowledged rounds with the same batch seqs (downstream drops what it already has),
/// then continues. A snapshot of the acknowledged progress bounds the replay.
/// </summary>
public sealed class DurableSourceTask : ReceivePersistentActor, IWithTimers
{
    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly RecoverySettings _recovery;
    private readonly HyDfsClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SourceFeed _feed;
    private RatePacer _pacer;
    private readonly RateMeter _meter = new();
    private readonly RoundStats _rounds = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _recoveryClock = Stopwatch.StartNew();
    private readonly Queue<int> _toSend = new();
    private readonly Queue<(int Count, long[] SeqsAfter)> _sent = new();
    private readonly List<StreamTuple> _round = [];
    private readonly List<StreamTuple> _skipped = [];
    private EdgeOutput? _output;
    private long _skip;
    private long _ackedTuples;
    private long[] _ackedSeqs = [];
    private long _replayedEvents;
    private bool _fromSnapshot;
    private int _roundsSinceSnapshot;
    private int _inFlight;
    private long _inFlightSince;
    private bool _completed;
    private bool _firstOutputSent;
    /// <summary>The job master holding this source for a rescale (it emits nothing until the next routing).</summary>
    private HoldState? _hold;
    /// <summary>Snapshots asked for and not yet answered (a hold is answered once its own, the last one, is saved).</summary>
    private int _snapshotsUnder;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public static Props Props(TaskSpec spec, TransportSettings transport, RecoverySettings recovery, HyDfsClient client) =>
        Akka.Actor.Props.Create(() => new DurableSourceTask(spec, transport, recovery, client));

    public DurableSourceTask(TaskSpec spec, TransportSettings transport, RecoverySettings recovery, HyDfsClient client)
    {
        _spec = spec;
        _transport = transport;
        _recovery = recovery;
        _client = client;
        PersistenceId = "task/" + spec.Id;
        JournalPluginId = HyDfsPersistenceHostingExtensions.JournalPluginId;
        SnapshotPluginId = HyDfsPersistenceHostingExtensions.SnapshotPluginId;
        _feed = new SourceFeed(spec, Self, _stop.Token);
        _pacer = new RatePacer(spec.Plan.InputRate / spec.StageTasks);

        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (SourceSnapshot)offer.Snapshot;
            _fromSnapshot = true;
            _skip = _ackedTuples = snapshot.SkipTuples;
            _ackedSeqs = snapshot.NextSeqs;
            foreach (var count in snapshot.PendingRounds) _toSend.Enqueue(count);
        });
        Recover<SourceRound>(round =>
        {
            _toSend.Enqueue(round.Count);
            _replayedEvents++;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<Routing>(OnRouting);
        Command<SetRate>(rate =>
        {
            _pacer = new RatePacer(rate.TuplesPerSecond);
            _log.Info("Task {0}: input rate set to {1} tuples/s", _spec.Id, rate.TuplesPerSecond);
            Emit();
        });
        Command<RainStorm.Actors.Runtime.Protocol.RescaleProtocol.Hold>(hold =>
        {
            _hold = new HoldState(Sender, hold.Rescale);
            _output?.FlushAll();
            Emit();
        });
        Command<SourceReader.Opened>(opened =>
        {
            _feed.Opened(opened.Reader);
            _log.Info("Task {0} reads '{1}' from {2}", _spec.Id, _spec.Plan.Source, _feed.Origin);
            Emit();
        });
        Command<SourceReader.ChunkRead>(read =>
        {
            _feed.ChunkRead(read.Chunk);
            Emit();
        });
        Command<SourceReader.ReadFailed>(failed => Fail($"reading '{_spec.Plan.Source}' from HyDFS failed: {failed.Error.Message}"));
        Command<TaskTicks.Flush>(_ =>
        {
            _meter.Sample(_output is { HasRoom: false });
            if (_inFlight > 0 && Environment.TickCount64 - _inFlightSince > (long)_recovery.StuckAfter.TotalMilliseconds)
            {
                Fail($"a journal append has not completed within {_recovery.StuckAfter.TotalSeconds:0} s");
                return;
            }
            _output?.Tick();
            Emit();
        });
        Command<TaskTicks.Report>(_ =>
        {
            _meter.Roll();
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskReport(_spec.Id, State, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, null));
        });
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            if (--_snapshotsUnder == 0 && _hold is { Step: HoldStep.Fencing } hold) hold.Answer(_spec.Id);
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            _snapshotsUnder--;
            _log.Warning("Task {0}: snapshot failed: {1}", _spec.Id, failed.Cause.Message);
            if (_hold is { Step: HoldStep.Fencing }) Fail($"the snapshot a rescale needs could not be saved: {failed.Cause.Message}");
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        CommandAny(message =>
        {
            if (_output is not null && _output.Handle(message))
            {
                TrimAcknowledged();
                Emit();
            }
            else Unhandled(message);
        });
    }

    private TaskPhase State => _completed ? TaskPhase.Completed : _feed.EndOfFile && _toSend.Count == 0 ? TaskPhase.Draining : _output is null ? TaskPhase.Starting : TaskPhase.Running;

    protected override void PostStop()
    {
        _stop.Cancel();
    }

    private void OnRecovered()
    {
        _recoveryClock.Stop();
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, _transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
        if (!_fromSnapshot && _replayedEvents == 0) return;
        _meter.CountIn((int)_skip);
        _meter.CountOut((int)_skip);
        _roundsSinceSnapshot = (int)_replayedEvents;
        var tuples = _toSend.Sum(c => (long)c);
        _log.Info("Task {0} recovered from its journal in {1} ms: {2} lines acknowledged, {3} events replayed, {4} lines to resend",
            _spec.Id, _recoveryClock.ElapsedMilliseconds, _skip, _replayedEvents, tuples);
        Context.Parent.Tell(new TaskRecovered(_spec.Id, _replayedEvents, _fromSnapshot, tuples, _recoveryClock.Elapsed));
    }

    private void OnRouting(Routing routing)
    {
        if (_output is null)
        {
            _output = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            if (_ackedSeqs.Length == 0) _ackedSeqs = _output.Edges.NextSeqs;
            else _output.Edges.Restore([], _ackedSeqs, finishing: false);
            _feed.Open(Context.System, _client);
        }
        else
        {
            _output.Reroute(routing.Downstream!);
        }
        _hold?.Cancel();
        _hold = null;
        Emit();
    }

    /// <summary>Skips the acknowledged lines, then sends the journaled rounds (replayed ones first) as the credit windows
    /// allow, while journaling the next rounds ahead of them; ends the edges at the end of the file. A round is only
    /// its size in the journal, so it is journaled before its lines are read: no round waits in memory for its append.</summary>
    private void Emit()
    {
        using var busy = _meter.Busy();
        if (_output is null || _completed || !_feed.IsOpen) return;
        if (_hold is not null)
        {
            AnswerHold();
            return;
        }
        while (_skip > 0)
        {
            _skipped.Clear();
            var done = _feed.Fill(_skipped, (int)Math.Min(_skip, _recovery.SourceRoundLines), out var filled);
            _skip -= _skipped.Count;
            if (!done) return;
            if (!filled) _skip = 0;
        }
        // A round being filled when a chunk is still being read stays in _round until the chunk arrives.
        while (_toSend.Count > 0 && _output.HasRoom)
        {
            if (!_feed.Fill(_round, _toSend.Peek(), out _)) return;
            _toSend.Dequeue();
            Send(_round);
        }
        var allowance = _pacer.Allowance();
        while (!_feed.Exhausted && allowance > 0 && _inFlight + _toSend.Count < _recovery.SourceRoundsInFlight)
        {
            var count = (int)Math.Min(allowance, _recovery.SourceRoundLines);
            allowance -= count;
            _pacer.Used(count);
            if (_inFlight++ == 0) _inFlightSince = Environment.TickCount64;
            var startedAt = Environment.TickCount64;
            PersistAsync(new SourceRound(count), _ =>
            {
                _rounds.Persisted(count, startedAt);
                OnRoundPersisted(count);
            });
        }
        if (_feed.Exhausted && _inFlight == 0 && _toSend.Count == 0 && !_output.Edges.Finishing)
        {
            _output.Finish();
            _log.Info("Task {0} read all of '{1}': {2} lines, {3} of them emitted here", _spec.Id, _spec.Plan.Source, _feed.LinesSeen, _meter.TuplesOut);
        }
        if (_output.Edges.Finishing && _output.Drained && !_completed)
        {
            _completed = true;
            _log.Info("Task {0} completed: {1} tuples emitted; {2}", _spec.Id, _meter.TuplesOut, _rounds.Describe("lines"));
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    /// <summary>A held source answers once everything it sent is acknowledged and no round is being journaled, with a
    /// snapshot of that point in its journal: a replay never resends a batch cut for the routing before the rescale.</summary>
    private void AnswerHold()
    {
        if (_hold!.Step != HoldStep.Emptying || !_output!.Idle || _inFlight > 0) return;
        _hold.Step = HoldStep.Fencing;
        TakeSnapshot();
    }

    /// <summary>The round is in the journal: it may be sent. A snapshot is taken only with no round in flight, so it
    /// covers exactly the journal up to its sequence number. Rounds journaled past the end of the file are empty.</summary>
    private void OnRoundPersisted(int count)
    {
        _inFlight--;
        _inFlightSince = Environment.TickCount64;
        _toSend.Enqueue(count);
        if (++_roundsSinceSnapshot >= _recovery.SnapshotEvery && _inFlight == 0) TakeSnapshot();
        Emit();
    }

    private void Send(List<StreamTuple> tuples)
    {
        if (tuples.Count == 0) return;
        _meter.CountIn(tuples.Count);
        _meter.CountOut(tuples.Count);
        _output!.Emit(tuples);
        _output.Edges.Flush(force: true);
        _sent.Enqueue((tuples.Count, _output.Edges.NextSeqs));
        tuples.Clear();
        if (_firstOutputSent) return;
        _firstOutputSent = true;
        Context.Parent.Tell(new FirstOutput(_spec.Id));
    }

    /// <summary>Rounds whose every batch is acknowledged move into the acknowledged progress.</summary>
    private void TrimAcknowledged()
    {
        var edges = _output!.Edges;
        while (_sent.TryPeek(out var round) && Enumerable.Range(0, round.SeqsAfter.Length).All(d => round.SeqsAfter[d] < edges.LowestOutstanding(d)))
        {
            _sent.Dequeue();
            _ackedTuples += round.Count;
            _ackedSeqs = round.SeqsAfter;
        }
    }

    private void TakeSnapshot()
    {
        _roundsSinceSnapshot = 0;
        TrimAcknowledged();
        _snapshotsUnder++;
        SaveSnapshot(new SourceSnapshot(_ackedTuples, _ackedSeqs, _sent.Select(r => r.Count).Concat(_toSend).ToArray()));
    }

    private void Fail(string reason)
    {
        _log.Error("Task {0} (source) failed: {1}", _spec.Id, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} (source) failed: {reason}"));
        _completed = true;
        Context.Stop(Self);
    }
}
