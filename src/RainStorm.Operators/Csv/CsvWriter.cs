using System.Buffers;
using System.Text;

namespace RainStorm.Operators.Csv;

/// <summary>Writes CSV fields, quoting (RFC 4180) only the fields that need it: those with a comma, a quote, CR or LF,
/// and one starting with U+FEFF (which a reader would take for a byte-order mark at the start of a line).</summary>
public static class CsvWriter
{
    private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");

    public static bool NeedsQuotes(ReadOnlySpan<char> value) =>
        value.ContainsAny(Special) || (value.Length > 0 && value[0] == '\uFEFF');

    /// <summary>The length of <paramref name="value"/> once written as a field.</summary>
    public static int FieldLength(ReadOnlySpan<char> value) =>
        NeedsQuotes(value) ? value.Length + 2 + value.Count('"') : value.Length;

    /// <summary>Writes the field into <paramref name="destination"/> (at least <see cref="FieldLength"/> chars); returns the chars written.</summary>
    public static int WriteField(ReadOnlySpan<char> value, Span<char> destination)
    {
        if (!NeedsQuotes(value))
        {
            value.CopyTo(destination);
            return value.Length;
        }
        var written = 0;
        destination[written++] = '"';
        foreach (var c in value)
        {
            if (c == '"') destination[written++] = '"';
            destination[written++] = c;
        }
        destination[written++] = '"';
        return written;
    }

    public static void AppendField(StringBuilder builder, ReadOnlySpan<char> value)
    {
        if (!NeedsQuotes(value))
        {
            builder.Append(value);
            return;
        }
        builder.Append('"');
        foreach (var c in value)
        {
            if (c == '"') builder.Append('"');
            builder.Append(c);
        }
        builder.Append('"');
    }

    /// <summary>One CSV line from the given field values.</summary>
    public static string Join(IEnumerable<string> values)
    {
        var builder = new StringBuilder();
        var first = true;
        foreach (var value in values)
        {
            if (!first) builder.Append(',');
            AppendField(builder, value);
            first = false;
        }
        return builder.ToString();
    }
}
