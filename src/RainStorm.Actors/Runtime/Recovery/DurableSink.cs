using System.Buffers;
using System.Text;
using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// The last stage's output with exactly-once: the outputs of each journaled round become one HyDFS append whose
/// idempotency key (task, seq) is fixed by the journal, so a replayed round re-sends the very same append and HyDFS
/// applies it once. Appends go out one at a time, in seq order (HyDFS dedups by the highest seq per client).
/// </summary>
public sealed class DurableSink : ITaskOutput
{
    private const int MaxAttempts = 40;
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
    private readonly Queue<SinkAppend> _pending = new();
    private long _pendingBytes;
    private int _attempts;
    private bool _inFlight;
    private long _sentAt;
    private bool _finishing;
    private bool _follow;
    private List<string> _followLines = [];
    private int _followChars;

    public DurableSink(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context)
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

    /// <summary>An append unanswered this long fails the task (it is restarted and resends from its journal).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The last append seq assigned.</summary>
    public long Seq { get; private set; }

    public bool HasRoom => _pendingBytes < _settings.SinkMaxPendingBytes;

    public bool Drained => _finishing && _pending.Count == 0 && _followLines.Count == 0;

    /// <summary>Appends not yet acknowledged by HyDFS (for snapshots).</summary>
    public SinkAppend[] Outstanding() => _pending.ToArray();

    /// <summary>After recovery, before anything else: the appends that were outstanding and the seq to continue from.</summary>
    public void Restore(IEnumerable<SinkAppend> outstanding, long seq)
    {
        Seq = seq;
        foreach (var append in outstanding) Enqueue(append);
        StartAppend();
    }

    public void Emit(List<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        var buffer = new ArrayBufferWriter<byte>(outputs.Sum(o => o.Value.Length + 1) + 16);
        foreach (var tuple in outputs)
        {
            var span = buffer.GetSpan(Utf8.GetMaxByteCount(tuple.Value.Length) + 1);
            var written = Utf8.GetBytes(tuple.Value, span);
            span[written] = (byte)'\n';
            buffer.Advance(written + 1);
            if (_follow) Follow(tuple.Value);
        }
        Enqueue(new SinkAppend(++Seq, buffer.WrittenSpan.ToArray()));
        StartAppend();
    }

    public void Tick()
    {
        if (_inFlight && Environment.TickCount64 - _sentAt > (long)StuckAfter.TotalMilliseconds)
            throw new HyDfsSinkException($"an append to '{_spec.Plan.Destination}' has not completed within {StuckAfter.TotalSeconds:0} s");
        StartAppend();
        SendFollowLines();
    }

    public void Finish()
    {
        _finishing = true;
        SendFollowLines();
    }

    public bool Handle(object message)
    {
        switch (message)
        {
            case AppendDone done when _inFlight && _pending.Peek().Seq == done.Seq:
                _pendingBytes -= _pending.Dequeue().Data.Length;
                _inFlight = false;
                _attempts = 0;
                StartAppend();
                return true;
            case AppendFailed failed when _inFlight && _pending.Peek().Seq == failed.Seq:
                if (_attempts >= MaxAttempts)
                    throw new HyDfsSinkException($"appending to '{_spec.Plan.Destination}' failed {_attempts} times: {failed.Error.Message}");
                _log.Warning("Task {0}: append {1} to {2} failed ({3}); retrying", _spec.Id, failed.Seq, _spec.Plan.Destination, failed.Error.Message);
                _scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * _attempts)), _self, new RetryAppend(failed.Seq), _self);
                return true;
            case RetryAppend retry when _inFlight && _pending.Peek().Seq == retry.Seq:
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

    private void Enqueue(SinkAppend append)
    {
        _pending.Enqueue(append);
        _pendingBytes += append.Data.Length;
    }

    private void StartAppend()
    {
        if (_inFlight || _pending.Count == 0) return;
        _inFlight = true;
        Send();
    }

    private void Send()
    {
        var append = _pending.Peek();
        _attempts++;
        _sentAt = Environment.TickCount64;
        _client.AppendAsync(_spec.Plan.Destination, append.Data, _clientId, append.Seq).PipeTo(_self,
            success: () => new AppendDone(append.Seq),
            failure: e => new AppendFailed(append.Seq, e is AggregateException { InnerException: { } inner } ? inner : e));
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
