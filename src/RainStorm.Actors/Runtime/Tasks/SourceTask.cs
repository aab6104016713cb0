using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
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

    private sealed record Opened(SourceReader Reader);
    private sealed record ChunkRead(ReadOnlyMemory<byte>? Chunk);
    private sealed record ReadFailed(Exception Error);

    private readonly TaskSpec _spec;
    private readonly TransportSettings _transport;
    private readonly HyDfsClient _client;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LineSplitter _splitter;
    private readonly RatePacer _pacer;
    private readonly RateMeter _meter = new();
    private readonly List<StreamTuple> _tuples = new(TuplesPerStep);
    private readonly CancellationTokenSource _stop = new();
    private SourceReader? _reader;
    private EdgeOutput? _output;
    private bool _reading;
    private ReadOnlyMemory<byte>? _prefetched;
    private bool _readerDone;
    private bool _endOfFile;
    private bool _completed;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TaskSpec spec, TransportSettings transport, HyDfsClient client) =>
        Akka.Actor.Props.Create(() => new SourceTask(spec, transport, client));

    public SourceTask(TaskSpec spec, TransportSettings transport, HyDfsClient client)
    {
        _spec = spec;
        _transport = transport;
        _client = client;
        _splitter = new LineSplitter(spec.Plan.Source, spec.Id.Index, spec.StageTasks);
        _pacer = new RatePacer(spec.Plan.InputRate / spec.StageTasks);

        Receive<Routing>(OnRouting);
        Receive<Opened>(opened =>
        {
            _reader = opened.Reader;
            _reading = false;
            _log.Info("Task {0} reads '{1}' from {2}", _spec.Id, _spec.Plan.Source, _reader.IsLocal ? "the local replica" : "the primary");
            Emit();
        });
        Receive<ChunkRead>(read =>
        {
            _reading = false;
            if (read.Chunk is { } chunk) _prefetched = chunk;
            else _readerDone = true;
            Emit();
        });
        Receive<ReadFailed>(failed => Fail($"reading '{_spec.Plan.Source}' from HyDFS failed: {failed.Error.Message}"));
        Receive<TaskTicks.Flush>(_ =>
        {
            _meter.Sample(_output is { HasRoom: false });
            _output?.Tick();
            Emit();
        });
        Receive<TaskTicks.Report>(_ =>
        {
            _meter.Roll();
            Context.Parent.Tell(new TaskReport(_spec.Id, State, _meter.TuplesIn, _meter.TuplesOut,
                _meter.InPerSecond, _meter.OutPerSecond, _meter.Backpressure, null));
        });
        ReceiveAny(message =>
        {
            if (_output is not null && _output.Handle(message)) Emit();
            else Unhandled(message);
        });
    }

    private string State => _completed ? "COMPLETED" : _endOfFile ? "DRAINING" : _output is null ? "STARTING" : "RUNNING";

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, _transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _reader?.DisposeAsync().AsTask().ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        _stop.Dispose();
    }

    private void OnRouting(Routing routing)
    {
        if (_output is null)
        {
            var next = routing.Downstream!;
            var partitioner = next.Mode == RoutingMode.KeyGroups ? OperatorFactory.Create(_spec.Downstream!, _spec.OperatorDir) : null;
            _output = new EdgeOutput(_spec.Id, next, partitioner, _transport, Self);
            _reading = true;
            SourceReader.OpenAsync(Context.System, _client, _spec.Plan.Source, _stop.Token).PipeTo(Self,
                success: reader => new Opened(reader),
                failure: e => new ReadFailed(e is AggregateException { InnerException: { } inner } ? inner : e));
        }
        else
        {
            _output.Reroute(routing.Downstream!);
        }
        Emit();
    }

    /// <summary>Emits what the pace and the credit windows allow, keeping one chunk read ahead (at most two in memory).</summary>
    private void Emit()
    {
        if (_output is null || _completed) return;
        var allowance = _pacer.Allowance();
        while (allowance > 0 && _output.HasRoom)
        {
            if (_splitter.NeedsChunk)
            {
                if (_prefetched is not { } next) break;
                _splitter.Feed(next);
                _prefetched = null;
            }
            _tuples.Clear();
            var taken = _splitter.Take(_tuples, Math.Min(allowance, TuplesPerStep));
            Send(taken);
            allowance -= taken;
        }
        if (_prefetched is null && !_readerDone && !_reading && _reader is not null) ReadNext();
        _endOfFile = _readerDone && _prefetched is null && _splitter.NeedsChunk;
        if (_endOfFile && !_output.Edges.Finishing)
        {
            _tuples.Clear();
            if (_splitter.TakeLast() is { } last) _tuples.Add(last);
            Send(_tuples.Count);
            _output.Finish();
            _log.Info("Task {0} read all of '{1}' and emitted its {2} lines", _spec.Id, _spec.Plan.Source, _meter.TuplesOut);
        }
        if (_output.Edges.Finishing && _output.Drained && !_completed)
        {
            _completed = true;
            _log.Info("Task {0} completed: {1} tuples emitted", _spec.Id, _meter.TuplesOut);
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

    private void ReadNext()
    {
        _reading = true;
        _reader!.NextAsync(_stop.Token).PipeTo(Self,
            success: chunk => new ChunkRead(chunk),
            failure: e => new ReadFailed(e is AggregateException { InnerException: { } inner } ? inner : e));
    }

    private void Fail(string reason)
    {
        _log.Error("Task {0} (source) failed: {1}", _spec.Id, reason);
        Context.Parent.Tell(new TaskFailed(_spec.Id, $"task {_spec.Id} (source) failed: {reason}"));
        _completed = true;
        Context.Stop(Self);
    }
}
