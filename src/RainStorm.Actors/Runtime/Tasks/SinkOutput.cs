using System.Buffers;
using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The last stage's output could not be written; <see cref="Exception.Message"/> is one user-facing line.</summary>
public sealed class HyDfsSinkException(string message) : Exception(message);

/// <summary>
/// The last stage's output: each output tuple's value becomes one line of the HyDFS destination, in appends that go out
/// one at a time, in seq order (<see cref="OrderedAppender"/>; HyDFS applies a repeated (task, seq) once). While too
/// much waits for HyDFS the task takes no input (backpressure). Lines also go to the leader for <c>wait --follow</c>
/// while someone follows.
/// <para>At-least-once, lines are coalesced into large appends (by size, or after the sink flush interval). With
/// exactly_once that is all that differs: every round's outputs become one append whose seq the journal fixes, so a
/// replayed round re-sends the very same append; the appends not yet acknowledged go into the task's snapshots, an
/// append unanswered for <see cref="StuckAfter"/> fails the task (it restarts and resends from its journal), and
/// followers get an append's lines once HyDFS acknowledged it (the appends a snapshot restores are not followed
/// again).</para>
/// </summary>
public sealed class SinkOutput : ITaskOutput
{
    private readonly TaskSpec _spec;
    private readonly RuntimeSettings _settings;
    private readonly bool _exactlyOnce;
    private readonly OrderedAppender _appender;
    private readonly FollowStream _follow;
    private ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private long _bufferSince;
    private bool _finishing;

    public SinkOutput(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context, bool exactlyOnce = false)
    {
        _spec = spec;
        _settings = settings;
        _exactlyOnce = exactlyOnce;
        _follow = new FollowStream(spec.Id.JobId, settings.FollowMaxChars, context.Parent, exactlyOnce ? spec.Id : null);
        _appender = new OrderedAppender(spec, client, context, maxAttempts: exactlyOnce ? 40 : 20)
        {
            Appended = exactlyOnce ? _follow.Committed : null,
        };
    }

    /// <summary>exactly_once: an append unanswered this long fails the task.</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The last append seq assigned.</summary>
    public long Seq { get; private set; }

    public bool HasRoom => _buffer.WrittenCount + _appender.PendingBytes < _settings.SinkMaxPendingBytes;

    public bool Drained => _finishing && _appender.Idle && _buffer.WrittenCount == 0 && _follow.Empty;

    /// <summary>exactly_once: the appends HyDFS has not acknowledged (for snapshots).</summary>
    public SinkAppend[] Outstanding() => _appender.Pending.Select(p => new SinkAppend(p.Seq, p.Data.ToArray())).ToArray();

    /// <summary>exactly_once, after recovery, before anything else: the appends that were outstanding and the seq to
    /// continue from.</summary>
    public void Restore(IEnumerable<SinkAppend> outstanding, long seq)
    {
        Seq = seq;
        foreach (var append in outstanding) _appender.Enqueue(append.Seq, append.Data);
    }

    public void Emit(List<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        if (_exactlyOnce)
        {
            var round = new ArrayBufferWriter<byte>(outputs.Sum(o => o.Value.Length + 1) + 16);
            foreach (var tuple in outputs) _follow.Write(round, tuple.Value);
            _follow.Seal(++Seq);
            _appender.Enqueue(Seq, round.WrittenMemory);
            return;
        }
        if (_buffer.WrittenCount == 0) _bufferSince = Environment.TickCount64;
        foreach (var tuple in outputs)
        {
            _follow.Write(_buffer, tuple.Value);
            if (_buffer.WrittenCount >= _settings.SinkAppendBytes) Seal();
        }
    }

    public void Tick()
    {
        if (_exactlyOnce && _appender.InFlightFor > StuckAfter)
            throw new HyDfsSinkException($"an append to '{_spec.Plan.Destination}' has not completed within {StuckAfter.TotalSeconds:0} s");
        if (_buffer.WrittenCount > 0 && Environment.TickCount64 - _bufferSince >= (long)_settings.SinkFlushInterval.TotalMilliseconds)
            Seal();
        _follow.Flush();
    }

    public void Finish()
    {
        _finishing = true;
        Seal();
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

    /// <summary>Closes the buffer into one append (at most about sink-append-bytes, so HyDFS applies it atomically).</summary>
    private void Seal()
    {
        if (_buffer.WrittenCount == 0) return;
        _appender.Enqueue(++Seq, _buffer.WrittenMemory);
        _buffer = new ArrayBufferWriter<byte>(Math.Min(_settings.SinkAppendBytes + (1 << 16), Math.Max(1 << 16, _buffer.WrittenCount)));
    }
}
