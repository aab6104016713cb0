using System.Buffers;
using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// The last stage's output with exactly-once: the outputs of each journaled round become one HyDFS append whose
/// idempotency key (task, seq) is fixed by the journal, so a replayed round re-sends the very same append and HyDFS
/// applies it once. Appends go out one at a time, in seq order (<see cref="OrderedAppender"/>; HyDFS dedups by the
/// highest seq per client).
/// </summary>
public sealed class DurableSink : ITaskOutput
{
    private const int MaxAttempts = 40;

    private readonly TaskSpec _spec;
    private readonly RuntimeSettings _settings;
    private readonly OrderedAppender _appender;
    private readonly FollowStream _follow;
    private bool _finishing;

    public DurableSink(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context)
    {
        _spec = spec;
        _settings = settings;
        _appender = new OrderedAppender(spec, client, context, MaxAttempts);
        _follow = new FollowStream(spec.Id.JobId, settings.FollowMaxChars, context.Parent);
    }

    /// <summary>An append unanswered this long fails the task (it is restarted and resends from its journal).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The last append seq assigned.</summary>
    public long Seq { get; private set; }

    public bool HasRoom => _appender.PendingBytes < _settings.SinkMaxPendingBytes;

    public bool Drained => _finishing && _appender.Idle && _follow.Empty;

    /// <summary>Appends not yet acknowledged by HyDFS (for snapshots).</summary>
    public SinkAppend[] Outstanding() => _appender.Pending.Select(p => new SinkAppend(p.Seq, p.Data.ToArray())).ToArray();

    /// <summary>After recovery, before anything else: the appends that were outstanding and the seq to continue from.</summary>
    public void Restore(IEnumerable<SinkAppend> outstanding, long seq)
    {
        Seq = seq;
        foreach (var append in outstanding) _appender.Enqueue(append.Seq, append.Data);
    }

    public void Emit(List<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        var buffer = new ArrayBufferWriter<byte>(outputs.Sum(o => o.Value.Length + 1) + 16);
        foreach (var tuple in outputs) _follow.Write(buffer, tuple.Value);
        _appender.Enqueue(++Seq, buffer.WrittenMemory);
    }

    public void Tick()
    {
        if (_appender.InFlightFor > StuckAfter)
            throw new HyDfsSinkException($"an append to '{_spec.Plan.Destination}' has not completed within {StuckAfter.TotalSeconds:0} s");
        _follow.Flush();
    }

    public void Finish()
    {
        _finishing = true;
        _follow.Flush();
    }

    public bool Handle(object message)
    {
        if (message is SetFollow follow)
        {
            _follow.Set(follow.On);
            return true;
        }
        return _appender.Handle(message);
    }
}
