using System.Buffers;
using System.Globalization;
using System.Text;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Turns a file's chunks into the source tuples one source task owns. The file is cut into blocks of a size fixed
/// per job; block b belongs to task b mod <c>tasks</c>, and a line belongs to the task owning
/// the block where it starts, so every line goes to exactly one task whatever the chunk sizes. A line's tuple is
/// <c>&lt;file:n, line&gt;</c> (n 1-based, line break and a trailing CR removed). Other tasks' blocks are skipped
/// by counting their line breaks (vectorised), without splitting or decoding them. With a prefilter (the source's
/// next stage is a <see cref="Filter"/>) an owned line the filter would drop is taken but never decoded.
/// </summary>
public sealed class LineSplitter
{
    /// <summary>The largest block; the leader picks smaller ones for small files (see TaskSpec.SourceBlockBytes).</summary>
    public const int DefaultBlockBytes = 32 * 1024;
    private static readonly UTF8Encoding Utf8 = new(false, false);

    private enum State { AtLineStart, InOwnedLine, InSkippedLine }

    private readonly string _keyPrefix;
    private readonly Filter? _prefilter;
    private readonly int _taskIndex;
    private readonly int _tasks;
    private readonly long _blockBytes;
    private readonly ArrayBufferWriter<byte> _carry = new(4096);
    private ReadOnlyMemory<byte> _chunk;
    private long _chunkStart;
    private int _position;
    private State _state = State.AtLineStart;
    private long _skipUntil;

    /// <param name="prefilter">Lines it drops give no tuple (they still count as taken); it must
    /// <see cref="Filter.MatchesRawLines"/>.</param>
    public LineSplitter(string fileName, int taskIndex, int tasks, int blockBytes = DefaultBlockBytes, Filter? prefilter = null)
    {
        _keyPrefix = fileName + ":";
        _prefilter = prefilter;
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

    /// <summary>Takes up to <paramref name="max"/> owned lines from the current chunk, appending the tuples of those that
    /// pass the prefilter (all without one); returns how many lines were taken.</summary>
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
                    if (Owned(start))
                    {
                        if (_prefilter is not null && SkipDropped(span, max - taken) is var dropped and > 0)
                        {
                            taken += dropped;
                            break;
                        }
                        LinesSeen++;
                        _state = State.InOwnedLine;
                    }
                    else
                    {
                        LinesSeen++;
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
                        Add(into, _carry.WrittenSpan);
                        _carry.ResetWrittenCount();
                    }
                    else
                    {
                        Add(into, rest[..newline]);
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

    /// <summary>At end of file: takes the last line when it had no line break and is this task's (its tuple appended
    /// when it passes the prefilter); false when there was none.</summary>
    public bool TakeLast(List<StreamTuple> into)
    {
        if (_state != State.InOwnedLine) return false;
        _state = State.AtLineStart;
        Add(into, _carry.WrittenSpan);
        _carry.ResetWrittenCount();
        return true;
    }

    /// <summary>At the start of an owned line, with a prefilter: takes the complete lines ahead in this owned block that
    /// come before the pattern's first occurrence in one vectorised pass (none of them can pass), when there are at most
    /// <paramref name="limit"/>; returns how many (0: take the next line one by one).</summary>
    private int SkipDropped(ReadOnlySpan<byte> span, int limit)
    {
        var blockEnd = (int)Math.Min(span.Length, ((_chunkStart + _position) / _blockBytes + 1) * _blockBytes - _chunkStart);
        var region = span[_position..blockEnd];
        region = region[..(region.LastIndexOf((byte)'\n') + 1)];
        var match = _prefilter!.IndexOfUtf8(region);
        if (match >= 0) region = region[..(region[..match].LastIndexOf((byte)'\n') + 1)];
        var lines = region.Count((byte)'\n');
        if (lines == 0 || lines > limit) return 0;
        LinesSeen += lines;
        _position += region.Length;
        return lines;
    }

    private bool Owned(long offset) => offset / _blockBytes % _tasks == _taskIndex;

    private long NextOwnedBlockStart(long offset)
    {
        var block = offset / _blockBytes;
        var ahead = ((_taskIndex - block) % _tasks + _tasks) % _tasks;
        return (block + (ahead == 0 ? _tasks : ahead)) * _blockBytes;
    }

    private void Add(List<StreamTuple> into, ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (_prefilter is not null && !_prefilter.MatchesUtf8(line)) return;
        Span<char> number = stackalloc char[20];
        LinesSeen.TryFormat(number, out var digits, provider: CultureInfo.InvariantCulture);
        into.Add(new StreamTuple(string.Concat(_keyPrefix, number[..digits]), Utf8.GetString(line)));
    }
}
