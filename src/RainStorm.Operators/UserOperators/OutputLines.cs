using System.Text;

namespace RainStorm.Operators.UserOperators;

/// <summary>Reads a user operator's stdout as lines (LF or CRLF), strictly UTF-8 and bounded in size, so that a
/// misbehaving executable is reported instead of exhausting memory.</summary>
internal static class OutputLines
{
    public const int MaxLineChars = 1 << 20;
    public const int MaxTotalChars = 64 << 20;

    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads to the end; throws <see cref="InvalidOutputException"/> when the output breaks a rule.</summary>
    public static async Task<List<string>> ReadAllAsync(TextReader reader)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var buffer = new char[8192];
        long total = 0;
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
            {
                total += read;
                if (total > MaxTotalChars) throw new InvalidOutputException($"more than {MaxTotalChars} characters of output for one batch");
                SplitLines(buffer.AsSpan(0, read), line, lines);
            }
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidOutputException("output that is not valid UTF-8");
        }
        if (line.Length > 0) lines.Add(TrimCarriageReturn(line));
        return lines;
    }

    private static void SplitLines(ReadOnlySpan<char> chunk, StringBuilder line, List<string> lines)
    {
        while (chunk.Length > 0)
        {
            var newline = chunk.IndexOf('\n');
            var part = newline < 0 ? chunk : chunk[..newline];
            if (line.Length + part.Length > MaxLineChars) throw new InvalidOutputException($"an output line longer than {MaxLineChars} characters");
            line.Append(part);
            if (newline < 0) return;
            lines.Add(TrimCarriageReturn(line));
            line.Clear();
            chunk = chunk[(newline + 1)..];
        }
    }

    private static string TrimCarriageReturn(StringBuilder line) =>
        line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
}

internal sealed class InvalidOutputException(string what) : Exception(what);
