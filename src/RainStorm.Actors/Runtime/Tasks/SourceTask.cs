using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A source task, for every delivery mode: streams the job's HyDFS source chunk by chunk (<see cref="SourceFeed"/>),
/// emits the lines it owns as tuples <c>&lt;file:line, line&gt;</c> in rounds, paced at its share of the job's input
/// rate and held back by the credit windows of its edges, then ends its edges and completes once everything is
/// acknowledged. Routing, holds, ticks, reports and completion are written once here; barriers and the restart from
/// a checkpoint (skipping the lines it covers) are in its Checkpoints part.
/// </summary>
public sealed partial class SourceTask : TaskActor
{
    /// <summary>Lines per round: a round bounds one step of reading and sending.</summary>
    private const int RoundLines = 2048;

    private enum Phase
    {
        /// <summary>Waiting for its routing (then it opens the source).</summary>
        Starting,
        Running,
        Completed,
        Failed,
    }

    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly HyDfsClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SourceFeed _feed;
    private readonly RateMeter _meter = new();
    private readonly CancellationTokenSource _stop = new();
    /// <summary>The line count of the round decided and not yet sent (one at most: the next is decided once it is).</summary>
    private readonly Queue<int> _toSend = new();
    private readonly TakenLines _round = new();
    private readonly TakenLines _skipped = new();
    private RatePacer _pacer;
    private EdgeOutput? _output;
    private Phase _phase;
    /// <summary>After a restart from a checkpoint: owned lines to skip (the checkpoint covers them).</summary>
    private long _skip;
    private bool _firstOutputSent;
    /// <summary>The job master holding this source for a rescale (it emits nothing until the next routing).</summary>
    private HoldState? _hold;

    public static Props Props(TaskSpec spec, TransportSettings transport, HyDfsClient client) =>
        Akka.Actor.Props.Create(() => new SourceTask(spec, transport, client));

    public SourceTask(TaskSpec spec, TransportSettings transport, HyDfsClient client)
        : base(spec, transport)
    {
        _spec = spec;
        _transport = transport;
        _client = client;
        // The autoscaler takes the source's pace as what the first stage is offered: so only a source of a job without
        // autoscaling drops lines before they are sent (its checkpoint part counts owned lines, sent or dropped).
        _feed = new SourceFeed(spec, Self, _stop.Token, spec.Plan.Autoscale ? null : SourceFeed.PrefilterOf(spec));
        _pacer = new RatePacer(spec.Plan.InputRate / spec.StageTasks);
        _phase = Phase.Starting;
        BecomeInitial();
    }

    private TaskPhase Reported => _phase switch
    {
        Phase.Starting => TaskPhase.Starting,
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
            _hold = HoldState.Start(_output, hold, Sender);
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
        ReceiveAny(message =>
        {
            if (_output is not null && _output.Handle(message)) Emit();
            else Unhandled(message);
        });
    }

    private void OnRouting(Routing routing)
    {
        Coordinator = Sender;
        if (_output is null)
        {
            _output = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
            _feed.Open(Context.System, _client);
            _phase = Phase.Running;
        }
        else
        {
            _output.Reroute(routing.Downstream!);
        }
        _hold?.Cancel();
        _hold = null;
        Emit();
    }

    /// <summary>Skips the lines of the checkpoint it restarted from, then sends the round decided as the credit windows
    /// allow and decides the next one as the pace allows; ends the edges at the end of the file (with checkpoints right
    /// after a barrier) and completes once everything is acknowledged.</summary>
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
            while (_toSend.Count > 0 && _output.HasRoom)
            {
                if (!_feed.Fill(_round, _toSend.Peek(), out _)) return;
                _toSend.Dequeue();
                Send(_round);
            }
            if (_feed.Exhausted || allowance <= 0 || _toSend.Count > 0 || !_output.HasRoom) break;
            var count = (int)Math.Min(allowance, RoundLines);
            allowance -= count;
            _pacer.Used(count);
            _toSend.Enqueue(count);
        }
        AskForLastBarrier();
        if (_feed.Exhausted && _toSend.Count == 0 && !_output.Edges.Finishing && _hold is null
            && (!EndsAfterBarrier || _barrierAfterLastLine))
        {
            _output.Finish();
            _log.Info("Task {0} read all of '{1}': {2} lines, {3} of them emitted here", _spec.Id, _spec.Plan.Source, _feed.LinesSeen, _meter.TuplesOut);
        }
        if (_output.Edges.Finishing && _output.Drained)
        {
            _phase = Phase.Completed;
            _log.Info("Task {0} completed: {1} tuples emitted", _spec.Id, _meter.TuplesOut);
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    private void Send(TakenLines round)
    {
        if (round.Lines == 0) return;
        var tuples = round.Tuples;
        _meter.CountIn(round.Lines);
        _linesSent += round.Lines;
        _meter.CountOut(tuples.Count);
        if (tuples.Count > 0) _output!.Emit(tuples);
        var emitted = tuples.Count;
        round.Clear();
        if (_firstOutputSent || emitted == 0) return;
        _firstOutputSent = true;
        Context.Parent.Tell(new FirstOutput(_spec.Id));
    }

    private void Fail(string reason)
    {
        _log.Error("Task {0} (source) failed: {1}", _spec.Id, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} (source) failed: {reason}"));
        _phase = Phase.Failed;
        Context.Stop(Self);
    }
}
