using System.Buffers;
using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The last stage's output could not be written; <see cref="Exception.Message"/> is one user-facing line.</summary>
public sealed class HyDfsSinkException(string message) : Exception(message);

/// <summary>
/// The last stage's output: each output tuple's value becomes one line of the HyDFS destination. Lines are coalesced
/// into large appends, one in flight at a time (<see cref="OrderedAppender"/>). While too much waits for HyDFS the
/// task takes no input (backpressure). Lines also go to the leader for <c>wait --follow</c> while someone follows.
/// </summary>
public sealed class SinkOutput : ITaskOutput
{
    private const int MaxAttempts = 20;

    private readonly RuntimeSettings _settings;
    private readonly OrderedAppender _appender;
    private readonly FollowStream _follow;
    private ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private long _bufferSince;
    private long _seq;
    private bool _finishing;

    public SinkOutput(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context)
    {
        _settings = settings;
        _appender = new OrderedAppender(spec, client, context, MaxAttempts);
        _follow = new FollowStream(spec.Id.JobId, settings.FollowMaxChars, context.Parent);
    }

    public bool HasRoom => _buffer.WrittenCount + _appender.PendingBytes < _settings.SinkMaxPendingBytes;

    public bool Drained => _finishing && _appender.Idle && _buffer.WrittenCount == 0 && _follow.Empty;

    public void Emit(List<StreamTuple> outputs)
    {
        if (outputs.Count == 0) return;
        if (_buffer.WrittenCount == 0) _bufferSince = Environment.TickCount64;
        foreach (var tuple in outputs)
        {
            _follow.Write(_buffer, tuple.Value);
            if (_buffer.WrittenCount >= _settings.SinkAppendBytes) Seal();
        }
    }

    public void Tick()
    {
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
        _appender.Enqueue(++_seq, _buffer.WrittenMemory);
        _buffer = new ArrayBufferWriter<byte>(Math.Min(_settings.SinkAppendBytes + (1 << 16), Math.Max(1 << 16, _buffer.WrittenCount)));
    }
}
