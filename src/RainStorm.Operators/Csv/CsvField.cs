namespace RainStorm.Operators.Csv;

/// <summary>
/// One field of a CSV line, as a view into the line. Most fields are verbatim (unquoted, or quoted without
/// doubled quotes), so their value is a slice of the line and reading it allocates nothing.
/// </summary>
public readonly ref struct CsvField
{
    private readonly ReadOnlySpan<char> _raw;

    /// <param name="raw">Verbatim: the value itself. Otherwise: the text after the opening quote up to the end of the field.</param>
    internal CsvField(ReadOnlySpan<char> raw, bool isVerbatim)
    {
        _raw = raw;
        IsVerbatim = isVerbatim;
    }

    /// <summary>True when <see cref="Verbatim"/> is the value; false when the value needs unescaping (doubled quotes,
    /// an unterminated quote, or text after the closing quote).</summary>
    public bool IsVerbatim { get; }

    /// <summary>The value, when <see cref="IsVerbatim"/>; otherwise the raw text, which <see cref="GetValue"/> unescapes.</summary>
    public ReadOnlySpan<char> Verbatim => _raw;

    /// <summary>An upper bound of the value's length: the size <see cref="GetValue"/> needs as scratch space.</summary>
    public int MaxLength => _raw.Length;

    /// <summary>The value without allocating: the line slice itself, or the unescaped text written into
    /// <paramref name="scratch"/> (at least <see cref="MaxLength"/> chars).</summary>
    public ReadOnlySpan<char> GetValue(Span<char> scratch)
    {
        if (IsVerbatim) return _raw;
        return scratch[..Unescape(_raw, scratch)];
    }

    public override string ToString()
    {
        if (IsVerbatim) return new string(_raw);
        Span<char> scratch = _raw.Length <= 256 ? stackalloc char[_raw.Length] : new char[_raw.Length];
        return new string(GetValue(scratch));
    }

    // Inside the quotes "" is one quote and a lone " closes the quoted part; whatever follows it up to the
    // comma is kept as written (lenient, like most CSV readers), and an unterminated quote runs to the end of the line.
    private static int Unescape(ReadOnlySpan<char> raw, Span<char> destination)
    {
        var written = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var quote = raw[i..].IndexOf('"');
            if (quote < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                return written + raw.Length - i;
            }
            raw.Slice(i, quote).CopyTo(destination[written..]);
            written += quote;
            i += quote;
            if (i + 1 < raw.Length && raw[i + 1] == '"')
            {
                destination[written++] = '"';
                i += 2;
                continue;
            }
            var rest = raw[(i + 1)..];
            rest.CopyTo(destination[written..]);
            return written + rest.Length;
        }
        return written;
    }
}
