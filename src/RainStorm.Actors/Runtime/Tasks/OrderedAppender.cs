using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A last stage's appends to its HyDFS destination: one in flight at a time, in seq order, each with the idempotency
/// key (<c>sink:task</c>, seq) so that a retried append (also from a restarted task) is applied once. A failed append
/// is retried with a growing pause; after <c>maxAttempts</c> it is a <see cref="HyDfsSinkException"/>.
/// Not thread-safe: owned by one task actor, which hands it every message through <see cref="Handle"/>.
/// </summary>
public sealed class OrderedAppender(TaskSpec spec, HyDfsClient client, IActorContext context, int maxAttempts, string? clientId = null)
{
    private sealed record AppendDone(string Client, long Seq);
    private sealed record AppendFailed(string Client, long Seq, Exception Error);
    private sealed record RetryAppend(string Client, long Seq);

    private readonly IActorRef _self = context.Self;
    private readonly IScheduler _scheduler = context.System.Scheduler;
    private readonly ILoggingAdapter _log = context.GetLogger();
    private readonly string _clientId = clientId ?? $"sink:{spec.Id}";
    private readonly Queue<(long Seq, ReadOnlyMemory<byte> Data)> _queue = new();
    private (long Seq, ReadOnlyMemory<byte> Data)? _inFlight;
    private int _attempts;
    private long _sentAt;

    /// <summary>Told the seq of every append HyDFS acknowledged, in seq order.</summary>
    public Action<long>? Appended { get; init; }

    /// <summary>Bytes queued or in flight.</summary>
    public long PendingBytes { get; private set; }

    public bool Idle => _inFlight is null && _queue.Count == 0;

    /// <summary>Every append not yet acknowledged, in seq order (the one in flight first).</summary>
    public IEnumerable<(long Seq, ReadOnlyMemory<byte> Data)> Pending =>
        _inFlight is { } current ? _queue.Prepend(current) : _queue;

    /// <summary>How long the append in flight has waited for its answer.</summary>
    public TimeSpan InFlightFor => _inFlight is null ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Environment.TickCount64 - _sentAt);

    public void Enqueue(long seq, ReadOnlyMemory<byte> data)
    {
        _queue.Enqueue((seq, data));
        PendingBytes += data.Length;
        StartNext();
    }

    /// <summary>Handles this appender's own messages (true); anything else is left to the caller (false).</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case AppendDone done when done.Client != _clientId:
                return false;
            case AppendFailed failed when failed.Client != _clientId:
                return false;
            case RetryAppend retry when retry.Client != _clientId:
                return false;
            case AppendDone done when _inFlight?.Seq == done.Seq:
                PendingBytes -= _inFlight.Value.Data.Length;
                _inFlight = null;
                Appended?.Invoke(done.Seq);
                StartNext();
                return true;
            case AppendFailed failed when _inFlight?.Seq == failed.Seq:
                if (_attempts >= maxAttempts)
                    throw new HyDfsSinkException($"appending to '{spec.Plan.Destination}' failed {_attempts} times: {failed.Error.Message}");
                _log.Warning("Task {0}: append {1} to {2} failed ({3}); retrying", spec.Id, failed.Seq, spec.Plan.Destination, failed.Error.Message);
                _scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * _attempts)), _self, new RetryAppend(_clientId, failed.Seq), _self);
                return true;
            case RetryAppend retry when _inFlight?.Seq == retry.Seq:
                Send();
                return true;
            case AppendDone or AppendFailed or RetryAppend:
                return true;
            default:
                return false;
        }
    }

    private void StartNext()
    {
        if (_inFlight is not null || _queue.Count == 0) return;
        _inFlight = _queue.Dequeue();
        _attempts = 0;
        Send();
    }

    private void Send()
    {
        var (seq, data) = _inFlight!.Value;
        _attempts++;
        _sentAt = Environment.TickCount64;
        client.AppendAsync(spec.Plan.Destination, data, _clientId, seq).PipeTo(_self,
            success: () => new AppendDone(_clientId, seq),
            failure: e => new AppendFailed(_clientId, seq, e is AggregateException { InnerException: { } inner } ? inner : e));
    }
}
