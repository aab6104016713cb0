using System.Buffers;
using System.Text;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Turns a file's chunks into the source tuples one source task owns. The file is cut into blocks of
/// <see cref="DefaultBlockBytes"/>; block b belongs to task b mod <c>tasks</c>, and a line belongs to the task owning
/// the block where it starts, so every line goes to exactly one task whatever the chunk sizes. A line's tuple is
/// <c>&lt;file:n, line&gt;</c> (n 1-based, line break and a trailing CR removed). Other tasks' blocks are skipped
/// by counting their line breaks (vectorised), without splitting or decoding them.
/// </summary>
public sealed class LineSplitter
{
    // Small enough that a few-MB file still splits evenly (each task paced at input_rate / N must own ~1/N of the lines).
    public const int DefaultBlockBytes = 32 * 1024;
    private static readonly UTF8Encoding Utf8 = new(false, false);

    private enum State { AtLineStart, InOwnedLine, InSkippedLine }

    private readonly string _fileName;
    private readonly int _taskIndex;
    private readonly int _tasks;
    private readonly long _blockBytes;
    private readonly ArrayBufferWriter<byte> _carry = new(4096);
    private ReadOnlyMemory<byte> _chunk;
    private long _chunkStart;
    private int _position;
    private State _state = State.AtLineStart;
    private long _skipUntil;

    public LineSplitter(string fileName, int taskIndex, int tasks, int blockBytes = DefaultBlockBytes)
    {
        _fileName = fileName;
        _taskIndex = taskIndex;
        _tasks = tasks;
        _blockBytes = blockBytes;
    }

    /// <summary>The number of the line being read (lines started so far, owned or not).</summary>
    public long LinesSeen { get; private set; }

    /// <summary>The current chunk is used up; give the next with <see cref="Feed"/> or call <see cref="TakeLast"/> at the end.</summary>
    public bool NeedsChunk => _position >= _chunk.Length;

    public void Feed(ReadOnlyMemory<byte> chunk)
    {
        _chunkStart += _chunk.Length;
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
            switch (_state)
            {
                case State.AtLineStart:
                    var start = _chunkStart + _position;
                    LinesSeen++;
                    if (Owned(start))
                    {
                        _state = State.InOwnedLine;
                    }
                    else
                    {
                        _state = State.InSkippedLine;
                        _skipUntil = NextOwnedBlockStart(start);
                    }
                    break;
                case State.InOwnedLine:
                    var rest = span[_position..];
                    var newline = rest.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        _carry.Write(rest);
                        _position = span.Length;
                        break;
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
                    _position += newline + 1;
                    _state = State.AtLineStart;
                    taken++;
                    break;
                case State.InSkippedLine:
                    // Line breaks before _skipUntil - 1 start lines that are skipped as well: count them in one go.
                    var limit = (int)Math.Clamp(_skipUntil - 1 - _chunkStart, _position, span.Length);
                    if (limit > _position)
                    {
                        LinesSeen += span[_position..limit].Count((byte)'\n');
                        _position = limit;
                    }
                    if (_position >= span.Length) break;
                    var end = span[_position..].IndexOf((byte)'\n');
                    if (end < 0)
                    {
                        _position = span.Length;
                        break;
                    }
                    _position += end + 1;
                    _state = State.AtLineStart;
                    break;
            }
        }
        return taken;
    }

    /// <summary>At end of file: the last line when it had no line break and is this task's.</summary>
    public StreamTuple? TakeLast()
    {
        if (_state != State.InOwnedLine) return null;
        _state = State.AtLineStart;
        var tuple = Tuple(_carry.WrittenSpan);
        _carry.ResetWrittenCount();
        return tuple;
    }

    private bool Owned(long offset) => offset / _blockBytes % _tasks == _taskIndex;

    private long NextOwnedBlockStart(long offset)
    {
        var block = offset / _blockBytes;
        var ahead = ((_taskIndex - block) % _tasks + _tasks) % _tasks;
        return (block + (ahead == 0 ? _tasks : ahead)) * _blockBytes;
    }

    private StreamTuple Tuple(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        return new StreamTuple($"{_fileName}:{LinesSeen}", Utf8.GetString(line));
    }
}
