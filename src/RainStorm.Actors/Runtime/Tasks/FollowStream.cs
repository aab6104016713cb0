using System.Buffers;
using System.Text;
using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A last stage's output lines: encoded as UTF-8 lines for the destination, and while someone follows the job
/// (<c>wait --follow</c>) also sent to the leader in messages of at most follow-max-chars characters. An exactly_once
/// sink (<paramref name="committedBy"/>) sends each append's lines only once HyDFS acknowledged that append, tagged with
/// its seq: followers see what the file has.
/// </summary>
public sealed class FollowStream(string jobId, int maxChars, IActorRef leaderSide, TaskId? committedBy = null)
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private readonly Queue<(long Seq, string[] Lines)> _uncommitted = new();
    private List<string> _lines = [];
    private int _chars;

    public bool On { get; private set; }

    public bool Empty => _lines.Count == 0 && _uncommitted.Count == 0;

    public void Set(bool on)
    {
        On = on;
        if (on) return;
        _lines = [];
        _chars = 0;
        _uncommitted.Clear();
    }

    /// <summary>Writes <paramref name="line"/> and a line break to <paramref name="buffer"/>, and follows it.</summary>
    public void Write(ArrayBufferWriter<byte> buffer, string line)
    {
        var span = buffer.GetSpan(Utf8.GetMaxByteCount(line.Length) + 1);
        var written = Utf8.GetBytes(line, span);
        span[written] = (byte)'\n';
        buffer.Advance(written + 1);
        if (!On) return;
        _lines.Add(line);
        _chars += line.Length;
        if (_chars >= maxChars) Flush();
    }

    /// <summary>exactly_once: the lines written since the last call are append <paramref name="seq"/>; they are followed
    /// once HyDFS acknowledged it (<see cref="Committed"/>).</summary>
    public void Seal(long seq)
    {
        if (_lines.Count == 0) return;
        _uncommitted.Enqueue((seq, _lines.ToArray()));
        _lines = [];
        _chars = 0;
    }

    /// <summary>exactly_once: HyDFS acknowledged every append up to <paramref name="seq"/> (they go out in seq order).</summary>
    public void Committed(long seq)
    {
        while (_uncommitted.TryPeek(out var append) && append.Seq <= seq)
        {
            _uncommitted.Dequeue();
            leaderSide.Tell(new OutputLines(jobId, append.Lines, committedBy, append.Seq));
        }
    }

    /// <summary>Sends what was written so far (an exactly_once sink's lines wait for their append instead).</summary>
    public void Flush()
    {
        if (_lines.Count == 0 || committedBy is not null) return;
        leaderSide.Tell(new OutputLines(jobId, _lines.ToArray()));
        _lines = [];
        _chars = 0;
    }
}
