using System.Buffers;
using System.Text;
using RainStorm.Operators.Contract;

namespace RainStorm.Node;

/// <summary>
/// Cuts the bytes of <c>rainstorm op</c>'s stdin into tuples <c>&lt;stdin:n, line&gt;</c> the way the runtime's source
/// cuts a HyDFS file: a line ends at LF and loses a trailing CR; a UTF-8 byte-order mark stays part of the first line.
/// Unlike the source, which must not stop a job, a filter can refuse bad input: a line that is not UTF-8 or longer
/// than <see cref="MaxLineBytes"/> ends the input with a <see cref="Failure"/> naming its line number.
/// </summary>
internal sealed class OpInputLines
{
    public const int MaxLineBytes = 16 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _partial = new(1024);
    private long _lineNumber;

    /// <summary>Set once a line is refused; no more lines come after it.</summary>
    public OpStreamException? Failure { get; private set; }

    /// <summary>Adds the lines completed by <paramref name="chunk"/>; keeps an unfinished last line for the next chunk.</summary>
    public void Split(ReadOnlySpan<byte> chunk, List<StreamTuple> lines)
    {
        while (Failure is null)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (Fits(chunk.Length)) _partial.Write(chunk);
                return;
            }
            if (!Fits(newline)) return;
            if (_partial.WrittenCount == 0)
            {
                Add(chunk[..newline], lines);
            }
            else
            {
                _partial.Write(chunk[..newline]);
                Add(_partial.WrittenSpan, lines);
                _partial.ResetWrittenCount();
            }
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>At end of input: the last line, when it had no line break.</summary>
    public void Finish(List<StreamTuple> lines)
    {
        if (Failure is not null || _partial.WrittenCount == 0) return;
        Add(_partial.WrittenSpan, lines);
        _partial.ResetWrittenCount();
    }

    private bool Fits(int more)
    {
        if (_partial.WrittenCount + more <= MaxLineBytes) return true;
        Failure = new OpStreamException($"input line {_lineNumber + 1} is longer than {MaxLineBytes >> 20} MiB; expected text with one tuple per line.");
        return false;
    }

    private void Add(ReadOnlySpan<byte> line, List<StreamTuple> lines)
    {
        _lineNumber++;
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        try
        {
            lines.Add(new StreamTuple($"stdin:{_lineNumber}", StrictUtf8.GetString(line)));
        }
        catch (DecoderFallbackException)
        {
            Failure = new OpStreamException($"input line {_lineNumber} is not valid UTF-8; expected text with one tuple per line.");
        }
    }
}

/// <summary>Input <c>rainstorm op</c> refuses or cannot read, or output it cannot write: one sentence, exit code 1.</summary>
internal sealed class OpStreamException(string message) : Exception(message);
