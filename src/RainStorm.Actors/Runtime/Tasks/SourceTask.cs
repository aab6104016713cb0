using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A source task: streams the job's HyDFS source chunk by chunk, emits the lines it owns as tuples
/// <c>&lt;file:line, line&gt;</c>, paced at its share of the job's input rate and held back by the credit windows of
/// its edges, then ends its edges and completes once everything is acknowledged. Holds one chunk at a time.
/// </summary>
public sealed class SourceTask : ReceiveActor, IWithTimers
{
    private const int TuplesPerStep = 2048;

    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly HyDfsClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SourceFeed _feed;
    private RatePacer _pacer;
    private readonly RateMeter _meter = new();
    private readonly List<StreamTuple> _tuples = new(TuplesPerStep);
    private readonly CancellationTokenSource _stop = new();
    private EdgeOutput? _output;
    private bool _completed;
    private HoldState? _hold;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TaskSpec spec, TransportSettings transport, HyDfsClient client) =>
        Akka.Actor.Props.Create(() => new SourceTask(spec, transport, client));

    public SourceTask(TaskSpec spec, TransportSettings transport, HyDfsClient client)
    {
        _spec = spec;
        _transport = transport;
        _client = client;
        _feed = new SourceFeed(spec, Self, _stop.Token);
        _pacer = new RatePacer(spec.Plan.InputRate / spec.StageTasks);

        Receive<Routing>(OnRouting);
        Receive<SetRate>(rate =>
        {
            _pacer = new RatePacer(rate.TuplesPerSecond);
            _log.Info("Task {0}: input rate set to {1} tuples/s", _spec.Id, rate.TuplesPerSecond);
            Emit();
        });
        Receive<RescaleProtocol.Hold>(hold =>
        {
            _hold = new HoldState(Sender, hold.Rescale);
            _output?.FlushAll();
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
            Context.Parent.Tell(new TaskReport(_spec.Id, State, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, null));
        });
        ReceiveAny(message =>
        {
            if (_output is not null && _output.Handle(message)) Emit();
            else Unhandled(message);
        });
    }

    private TaskPhase State => _completed ? TaskPhase.Completed : _feed.EndOfFile ? TaskPhase.Draining : _output is null ? TaskPhase.Starting : TaskPhase.Running;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, _transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void OnRouting(Routing routing)
    {
        if (_output is null)
        {
            _output = EdgeOutput.For(_spec, routing.Downstream!, _transport, Self);
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

    /// <summary>Emits what the pace and the credit windows allow (the feed reads one chunk ahead).</summary>
    private void Emit()
    {
        using var busy = _meter.Busy();
        if (_output is null || _completed || !_feed.IsOpen) return;
        if (_hold is not null)
        {
            _hold.AnswerOnce(_output.Idle, _spec.Id);
            return;
        }
        var allowance = _pacer.Allowance();
        while (allowance > 0 && _output.HasRoom && !_feed.Exhausted)
        {
            _tuples.Clear();
            var ready = _feed.Fill(_tuples, (int)Math.Min(allowance, TuplesPerStep), out _);
            Send(_tuples.Count);
            allowance -= _tuples.Count;
            if (!ready) break;
        }
        if (_feed.Exhausted && !_output.Edges.Finishing)
        {
            _output.Finish();
            _log.Info("Task {0} read all of '{1}' and emitted its {2} lines", _spec.Id, _spec.Plan.Source, _meter.TuplesOut);
        }
        if (_output.Edges.Finishing && _output.Drained && !_completed)
        {
            _completed = true;
            _log.Info("Task {0} completed: {1} tuples emitted", _spec.Id, _meter.TuplesOut);
            RuntimeMetrics.For(Context.System).Observe(_spec.Id, _meter, _output);
            Context.Parent.Tell(new TaskCompleted(_spec.Id, _meter.TuplesIn, _meter.TuplesOut));
        }
    }

    private void Send(int taken)
    {
        if (taken == 0) return;
        _pacer.Used(taken);
        _meter.CountIn(taken);
        _meter.CountOut(taken);
        _output!.Emit(_tuples);
    }

    private void Fail(string reason)
    {
        _log.Error("Task {0} (source) failed: {1}", _spec.Id, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} (source) failed: {reason}"));
        _completed = true;
        Context.Stop(Self);
    }
}
