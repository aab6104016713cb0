using System.Buffers;
using System.Text;
using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A last stage's output lines: encoded as UTF-8 lines for the destination, and while someone follows the job
/// (<c>wait --follow</c>) also sent to the leader in messages of at most follow-max-chars characters.
/// </summary>
public sealed class FollowStream(string jobId, int maxChars, IActorRef leaderSide)
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private List<string> _lines = [];
    private int _chars;

    public bool On { get; private set; }

    public bool Empty => _lines.Count == 0;

    public void Set(bool on)
    {
        On = on;
        if (on) return;
        _lines = [];
        _chars = 0;
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

    public void Flush()
    {
        if (_lines.Count == 0) return;
        leaderSide.Tell(new OutputLines(jobId, _lines.ToArray()));
        _lines = [];
        _chars = 0;
    }
}
