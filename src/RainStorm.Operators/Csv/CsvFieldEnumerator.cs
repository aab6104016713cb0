namespace RainStorm.Operators.Csv;

/// <summary>
/// Enumerates the fields of one CSV line (RFC 4180 quoting: quoted fields, doubled quotes, commas inside quotes)
/// without allocating. A line is a whole record for RainStorm: a quote left open at the end of the line closes
/// there, so a line that is only part of a multi-line record reads as a shorter record. A quote inside an unquoted
/// field is kept as written. A UTF-8 byte-order mark at the start of the line is skipped. An empty line is one
/// empty field, as in RFC 4180.
/// </summary>
public ref struct CsvFieldEnumerator
{
    private readonly ReadOnlySpan<char> _line;
    private int _position;
    private bool _done;

    public CsvFieldEnumerator(ReadOnlySpan<char> line)
        : this(line, line.Length > 0 && line[0] == '\uFEFF' ? 1 : 0)
    {
    }

    /// <summary>Starts at a known field start (found by <see cref="FieldSeeker"/>).</summary>
    internal CsvFieldEnumerator(ReadOnlySpan<char> line, int fieldStart)
    {
        _line = line;
        _position = fieldStart;
        _done = false;
        Current = default;
        CurrentRange = default;
    }

    public CsvField Current { get; private set; }

    /// <summary>Where <see cref="Current"/>'s raw text lies in the line (without the opening quote of a quoted field).</summary>
    public Range CurrentRange { get; private set; }

    public readonly CsvFieldEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_done) return false;
        var start = _position;
        var rest = _line[start..];
        if (rest.Length == 0 || rest[0] != '"')
        {
            var comma = IndexOfComma(rest);
            var length = comma < 0 ? rest.Length : comma;
            Set(start, length, verbatim: true, next: comma < 0 ? -1 : start + comma + 1);
            return true;
        }
        MoveNextQuoted(start + 1);
        return true;
    }

    // Most fields are short: a plain loop over the first few characters beats the set-up of a vectorised search.
    private static int IndexOfComma(ReadOnlySpan<char> text)
    {
        var shortRun = Math.Min(text.Length, 16);
        for (var i = 0; i < shortRun; i++)
            if (text[i] == ',') return i;
        if (shortRun == text.Length) return -1;
        var comma = text[shortRun..].IndexOf(',');
        return comma < 0 ? -1 : comma + shortRun;
    }

    private void MoveNextQuoted(int bodyStart)
    {
        var body = _line[bodyStart..];
        var verbatim = true;
        var i = 0;
        while (true)
        {
            var quote = body[i..].IndexOf('"');
            if (quote < 0)
            {
                // Unterminated: the field is the rest of the line.
                Set(bodyStart, body.Length, verbatim: false, next: -1);
                return;
            }
            i += quote;
            if (i + 1 < body.Length && body[i + 1] == '"')
            {
                verbatim = false;
                i += 2;
                continue;
            }
            break;
        }
        // body[i] is the closing quote; anything up to the next comma is trailing text, kept by the unescaper.
        var comma = body[(i + 1)..].IndexOf(',');
        var trailing = comma < 0 ? body.Length - i - 1 : comma;
        var next = comma < 0 ? -1 : bodyStart + i + 1 + comma + 1;
        if (verbatim && trailing == 0) Set(bodyStart, i, verbatim: true, next);
        else Set(bodyStart, i + 1 + trailing, verbatim: false, next);
    }

    private void Set(int start, int length, bool verbatim, int next)
    {
        CurrentRange = new Range(start, start + length);
        Current = new CsvField(_line.Slice(start, length), verbatim);
        if (next < 0) _done = true;
        else _position = next;
    }
}
