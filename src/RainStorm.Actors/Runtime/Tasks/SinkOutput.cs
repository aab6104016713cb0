using System.Buffers;
using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The last stage's output could not be written; <see cref="Exception.Message"/> is one user-facing line.</summary>
public sealed class HyDfsSinkException(string message) : Exception(message);

/// <summary>
/// The last stage's output: each output tuple's value becomes one line of the HyDFS destination, in appends that go out
/// one at a time, in seq order (<see cref="OrderedAppender"/>; HyDFS applies a repeated (task, seq) once). While too
/// much waits for HyDFS the task takes no input (backpressure). Lines also go to the leader for <c>wait --follow</c>
/// while someone follows.
/// <para>Lines are coalesced into large appends (by size, or after the sink flush interval). At-least-once they are
/// appended at once. With aligned checkpoints (exactly_once; two-phase commit, as Flink's exactly-once sinks) they are
/// cut under a key that does not change when the job restarts from a checkpoint, and staged; at a barrier the staged
/// appends become that checkpoint's and go into its snapshot; once the job master reports the checkpoint complete
/// they are appended. A restart from the checkpoint appends what its snapshot staged (HyDFS drops what it has) and
/// cuts what follows with the seqs after it. Followers then get an append's lines once HyDFS acknowledged it (the
/// appends a restart restores are not followed again), and an append unanswered for <see cref="StuckAfter"/> fails
/// the task.</para>
/// </summary>
public sealed class SinkOutput : ITaskOutput
{
    private readonly TaskSpec _spec;
    private readonly RuntimeSettings _settings;
    private readonly HyDfsClient _client;
    private readonly IActorContext _context;
    private readonly bool _staged;
    private readonly OrderedAppender _appender;
    private readonly FollowStream _follow;
    /// <summary>Aligned checkpoints: the appends cut since the last barrier, and each barrier's appends not yet committed.</summary>
    private List<(long Seq, ReadOnlyMemory<byte> Data)> _epoch = [];
    private readonly Queue<(long Checkpoint, List<(long Seq, ReadOnlyMemory<byte> Data)> Appends)> _uncommitted = new();
    /// <summary>Appends a restored snapshot staged under another sink's key (the stage was rescaled since).</summary>
    private readonly List<OrderedAppender> _inherited = [];
    private ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private long _bufferSince;
    private bool _finishing;

    public SinkOutput(TaskSpec spec, RuntimeSettings settings, HyDfsClient client, IActorContext context)
    {
        _spec = spec;
        _settings = settings;
        _client = client;
        _context = context;
        _staged = spec.Checkpoints == Checkpoints.CheckpointMode.Aligned;
        var key = _staged ? spec.Id with { Attempt = 1 } : spec.Id;
        _follow = new FollowStream(spec.Id.JobId, settings.FollowMaxChars, context.Parent, _staged ? key : null);
        _appender = new OrderedAppender(spec, client, context, maxAttempts: _staged ? 40 : 20, clientId: ClientIdOf(key))
        {
            Appended = _staged ? _follow.Committed : null,
        };
    }

    private static string ClientIdOf(TaskId key) => $"sink:{key}";

    /// <summary>Aligned checkpoints: an append unanswered this long fails the task.</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The last append seq assigned.</summary>
    public long Seq { get; private set; }

    /// <summary>Appends restored under another sink's key are in no later checkpoint of this task: it takes no input (so
    /// reaches no barrier) until HyDFS has them.</summary>
    public bool HasRoom => _buffer.WrittenCount + _appender.PendingBytes < _settings.SinkMaxPendingBytes && _inherited.All(a => a.Idle);

    public bool Drained => _finishing && _appender.Idle && _buffer.WrittenCount == 0 && _follow.Empty
                           && _epoch.Count == 0 && _uncommitted.Count == 0 && _inherited.All(a => a.Idle);

    /// <summary>Aligned checkpoints: barrier <paramref name="checkpoint"/> passed; what was cut since the last one becomes
    /// its staged appends. The sink's part of the checkpoint: everything staged or sent and not yet acknowledged.</summary>
    public SinkStaged Barrier(long checkpoint)
    {
        Seal();
        _uncommitted.Enqueue((checkpoint, _epoch));
        _epoch = [];
        var unacknowledged = _appender.Pending.Concat(_uncommitted.SelectMany(u => u.Appends))
            .Select(a => new SinkAppend(a.Seq, a.Data.ToArray())).ToArray();
        return new SinkStaged(ClientIdOf(_spec.Id with { Attempt = 1 }), Seq, unacknowledged);
    }

    /// <summary>Aligned checkpoints: checkpoint <paramref name="checkpoint"/> is complete; its appends (and any older
    /// ones still staged) go to HyDFS.</summary>
    public void Commit(long checkpoint)
    {
        while (_uncommitted.TryPeek(out var staged) && staged.Checkpoint <= checkpoint)
        {
            _uncommitted.Dequeue();
            foreach (var (seq, data) in staged.Appends) _appender.Enqueue(seq, data);
        }
    }

    /// <summary>Aligned checkpoints, before anything else: the sink parts of the completed checkpoint this task starts
    /// from. Its own part's appends are appended again (HyDFS drops those it has) and its seqs continue after them; a
    /// part staged under another sink's key (the stage was rescaled) is appended under that key.</summary>
    public void Restore(IEnumerable<SinkStaged> parts)
    {
        var own = ClientIdOf(_spec.Id with { Attempt = 1 });
        foreach (var part in parts)
        {
            var appender = _appender;
            if (part.ClientId == own) Seq = Math.Max(Seq, part.Seq);
            else _inherited.Add(appender = new OrderedAppender(_spec, _client, _context, maxAttempts: 40, clientId: part.ClientId));
            foreach (var append in part.Appends) appender.Enqueue(append.Seq, append.Data);
        }
    }

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
        if (_staged && _appender.InFlightFor > StuckAfter)
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
        return _appender.Handle(message) || _inherited.Any(a => a.Handle(message));
    }

    /// <summary>Closes the buffer into one append (at most about sink-append-bytes, so HyDFS applies it atomically):
    /// appended now, or with aligned checkpoints staged until its checkpoint completes.</summary>
    private void Seal()
    {
        if (_buffer.WrittenCount == 0) return;
        if (_staged)
        {
            _follow.Seal(++Seq);
            _epoch.Add((Seq, _buffer.WrittenMemory));
        }
        else _appender.Enqueue(++Seq, _buffer.WrittenMemory);
        _buffer = new ArrayBufferWriter<byte>(Math.Min(_settings.SinkAppendBytes + (1 << 16), Math.Max(1 << 16, _buffer.WrittenCount)));
    }
}
