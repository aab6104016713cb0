using System.Buffers;
using System.Text;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Turns a file's chunks into the source tuples one source task owns: line n (1-based) belongs to task
/// (n - 1) mod <c>tasks</c>; its tuple is <c>&lt;file:n, line&gt;</c> without the line break. Lines of other tasks are
/// skipped without decoding. A line may span chunks.
/// </summary>
public sealed class LineSplitter(string fileName, int taskIndex, int tasks)
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private readonly ArrayBufferWriter<byte> _carry = new(4096);
    private ReadOnlyMemory<byte> _chunk;
    private int _position;

    public long LinesSeen { get; private set; }

    /// <summary>The current chunk is used up; give the next with <see cref="Feed"/> or call <see cref="TakeLast"/> at the end.</summary>
    public bool NeedsChunk => _position >= _chunk.Length;

    public void Feed(ReadOnlyMemory<byte> chunk)
    {
        _chunk = chunk;
        _position = 0;
    }

    /// <summary>Appends up to <paramref name="max"/> owned tuples from the current chunk; returns how many.</summary>
    public int Take(List<StreamTuple> into, int max)
    {
        var taken = 0;
        var span = _chunk.Span;
        while (taken < max && _position < span.Length)
        {
            var rest = span[_position..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _carry.Write(rest);
                _position = span.Length;
                break;
            }
            _position += newline + 1;
            LinesSeen++;
            if ((LinesSeen - 1) % tasks != taskIndex)
            {
                _carry.ResetWrittenCount();
                continue;
            }
            if (_carry.WrittenCount > 0)
            {
                _carry.Write(rest[..newline]);
                into.Add(Tuple(_carry.WrittenSpan));
                _carry.ResetWrittenCount();
            }
            else
            {
                into.Add(Tuple(rest[..newline]));
            }
            taken++;
        }
        return taken;
    }

    /// <summary>At end of file: the last line when it had no line break and is this task's.</summary>
    public StreamTuple? TakeLast()
    {
        if (_carry.WrittenCount == 0) return null;
        LinesSeen++;
        var owned = (LinesSeen - 1) % tasks == taskIndex;
        var tuple = owned ? Tuple(_carry.WrittenSpan) : (StreamTuple?)null;
        _carry.ResetWrittenCount();
        return tuple;
    }

    private StreamTuple Tuple(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        return new StreamTuple($"{fileName}:{LinesSeen}", Utf8.GetString(line));
    }
}
