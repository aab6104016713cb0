using System.Buffers;
using System.Text;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The last stage's output could not be written; <see cref="Exception.Message"/> is one user-facing line.</summary>
public sealed class HyDfsSinkException(string message) : Exception(message);

/// <summary>
/// The last stage's output: each output tuple's value becomes one line of the HyDFS destination. Lines are coalesced
/// into large appends, one in flight at a time, each with the idempotency key (task id, seq) so a retried append is
/// applied once. While too much waits for HyDFS the task takes no input (backpressure). Lines also go to the leader
/// for <c>wait --follow</c> while someone follows.
/// </summary>
public sealed class SinkOutput : ITaskOutput
{
    private const int MaxAttempts = 20;
    private static readonly UTF8Encoding Utf8 = new(false, false);

    private sealed record AppendDone(long Seq);
    private sealed record AppendFailed(long Seq, Exception Error);
    private sealed record RetryAppend(long Seq);

    private readonly TaskSpec _spec;
    private readonly RuntimeSettings _settings;
    private readonly HyDfsClient _client;
    private readonly IActorRef _self;
    private readonly IActorRef _parent;
    private readonly IScheduler _scheduler;
    private readonly ILoggingAdapter _log;
    private readonly string _clientId;
    private ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Queue<ReadOnlyMemory<byte>> _sealed = new();
    private long _sealedBytes;
    private long _bufferSince;
    private (long Seq, ReadOnlyMemory<byte> Data, int Attempts)? _inFlight;
    private long _seq;
    private bool _finishing;
    private bool _follow;
    private List<string> _followLines = [];
    private int _followChars;

    public SinkOutput(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context)
    {
        _spec = spec;
        _settings = settings;
        _client = client;
        _self = context.Self;
        _parent = context.Parent;
        _scheduler = context.System.Scheduler;
        _log = context.GetLogger();
        _clientId = $"sink:{spec.Id}";
    }

    public bool HasRoom => _buffer.WrittenCount + _sealedBytes + (_inFlight?.Data.Length ?? 0) < _settings.SinkMaxPendingBytes;

    public bool Drained => _finishing && _inFlight is null && _sealed.Count == 0 && _buffer.WrittenCount == 0 && _followLines.Count == 0;

    public long BytesWritten { get; private set; }

    public void Emit(List<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        if (_buffer.WrittenCount == 0) _bufferSince = Environment.TickCount64;
        foreach (var tuple in outputs)
        {
            var value = tuple.Value;
            var span = _buffer.GetSpan(Utf8.GetMaxByteCount(value.Length) + 1);
            var written = Utf8.GetBytes(value, span);
            span[written] = (byte)'\n';
            _buffer.Advance(written + 1);
            if (_follow) Follow(value);
            if (_buffer.WrittenCount >= _settings.SinkAppendBytes) Seal();
        }
        StartAppend();
    }

    public void Tick()
    {
        if (_buffer.WrittenCount > 0 && Environment.TickCount64 - _bufferSince >= (long)_settings.SinkFlushInterval.TotalMilliseconds)
            Seal();
        StartAppend();
        SendFollowLines();
    }

    public void Finish()
    {
        _finishing = true;
        Seal();
        StartAppend();
        SendFollowLines();
    }

    public bool Handle(object message)
    {
        switch (message)
        {
            case AppendDone done when _inFlight?.Seq == done.Seq:
                BytesWritten += _inFlight.Value.Data.Length;
                _inFlight = null;
                if (_finishing) Seal();
                StartAppend();
                return true;
            case AppendFailed failed when _inFlight?.Seq == failed.Seq:
                var attempts = _inFlight.Value.Attempts;
                if (attempts >= MaxAttempts)
                    throw new HyDfsSinkException($"appending to '{_spec.Plan.Destination}' failed {attempts} times: {failed.Error.Message}");
                _log.Warning("Task {0}: append {1} to {2} failed ({3}); retrying", _spec.Id, failed.Seq, _spec.Plan.Destination, failed.Error.Message);
                _scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempts)), _self, new RetryAppend(failed.Seq), _self);
                return true;
            case RetryAppend retry when _inFlight?.Seq == retry.Seq:
                Send();
                return true;
            case SetFollow follow:
                _follow = follow.On;
                if (!_follow) { _followLines = []; _followChars = 0; }
                return true;
            case AppendDone or AppendFailed or RetryAppend:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Closes the buffer into one append (at most about sink-append-bytes, so HyDFS applies it atomically).</summary>
    private void Seal()
    {
        if (_buffer.WrittenCount == 0) return;
        _sealed.Enqueue(_buffer.WrittenMemory);
        _sealedBytes += _buffer.WrittenCount;
        _buffer = new ArrayBufferWriter<byte>(Math.Min(_settings.SinkAppendBytes + (1 << 16), Math.Max(1 << 16, _buffer.WrittenCount)));
    }

    private void StartAppend()
    {
        if (_inFlight is not null || _sealed.Count == 0) return;
        var data = _sealed.Dequeue();
        _sealedBytes -= data.Length;
        _inFlight = (++_seq, data, 0);
        Send();
    }

    private void Send()
    {
        var (seq, data, attempts) = _inFlight!.Value;
        _inFlight = (seq, data, attempts + 1);
        _client.AppendAsync(_spec.Plan.Destination, data, _clientId, seq).PipeTo(_self,
            success: () => new AppendDone(seq),
            failure: e => new AppendFailed(seq, e is AggregateException { InnerException: { } inner } ? inner : e));
    }

    private void Follow(string line)
    {
        _followLines.Add(line);
        _followChars += line.Length;
        if (_followChars >= _settings.FollowMaxChars) SendFollowLines();
    }

    private void SendFollowLines()
    {
        if (_followLines.Count == 0) return;
        _parent.Tell(new OutputLines(_spec.Id.JobId, _followLines.ToArray()));
        _followLines = [];
        _followChars = 0;
    }
}
