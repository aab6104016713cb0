using System.Text;

namespace RainStorm.Operators.Jobs;

/// <summary>
/// Splits a command line into words the way a POSIX shell does for plain words: white space separates words,
/// "double" and 'single' quotes group (and are removed; adjacent parts join, <c>""</c> is an empty word), a backslash
/// escapes the next character outside single quotes (inside double quotes only <c>\"</c> and <c>\\</c>), and a
/// backslash before a line break continues the line. Throws <see cref="FormatException"/> for an unterminated quote.
/// </summary>
public static class ShellTokens
{
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case '\\' when i + 1 < line.Length && line[i + 1] == '\n':
                    i++;
                    break;
                case '\\' when i + 2 < line.Length && line[i + 1] == '\r' && line[i + 2] == '\n':
                    i += 2;
                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    inWord = true;
                    break;
                case '\'':
                    i = ReadSingleQuoted(line, i, word);
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(line, i, word);
                    inWord = true;
                    break;
                default:
                    if (char.IsWhiteSpace(c))
                    {
                        if (inWord) words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    else
                    {
                        word.Append(c);
                        inWord = true;
                    }
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static int ReadSingleQuoted(string line, int open, StringBuilder word)
    {
        var close = line.IndexOf('\'', open + 1);
        if (close < 0) throw Unterminated('\'', open);
        word.Append(line, open + 1, close - open - 1);
        return close;
    }

    private static int ReadDoubleQuoted(string line, int open, StringBuilder word)
    {
        for (var i = open + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"') return i;
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\') c = line[++i];
            word.Append(c);
        }
        throw Unterminated('"', open);
    }

    private static FormatException Unterminated(char quote, int position) =>
        new($"The quote {quote} at character {position + 1} is never closed; expected a matching {quote}.");
}
