using System.Text;

namespace RainStorm.Actors.Commands.Parsing;

/// <summary>Shell-like splitting and joining of command lines: quotes group words and are removed.</summary>
public static class CommandLine
{
    /// <summary>A token and where it starts in the line (completion needs the position).</summary>
    public readonly record struct Token(string Text, int Start);

    public static IReadOnlyList<string> Split(string line) => Tokenize(line, out _).Select(t => t.Text).ToList();

    /// <summary>Splits <paramref name="line"/>; <paramref name="endsInWord"/> tells whether the last token runs
    /// up to the end of the line (so it is still being typed).</summary>
    public static IReadOnlyList<Token> Tokenize(string line, out bool endsInWord)
    {
        var tokens = new List<Token>();
        var current = new StringBuilder();
        var start = -1;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else if (c == '\\' && q == '"' && i + 1 < line.Length && line[i + 1] is '"' or '\\') current.Append(line[++i]);
                else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                if (start < 0) start = i;
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (start >= 0) tokens.Add(new Token(current.ToString(), start));
                current.Clear();
                start = -1;
            }
            else
            {
                if (start < 0) start = i;
                current.Append(c);
            }
        }
        endsInWord = start >= 0;
        if (start >= 0) tokens.Add(new Token(current.ToString(), start));
        if (quote is not null)
            throw new CommandSyntaxException($"unbalanced {quote} quote in the command line.");
        return tokens;
    }

    /// <summary>Joins tokens so that <see cref="Split"/> gives them back (used to rebuild the job line).</summary>
    public static string Join(IEnumerable<string> tokens) => string.Join(' ', tokens.Select(Quote));

    public static string Quote(string token)
    {
        if (token.Length > 0 && !token.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\'))
            return token;
        return "\"" + token.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
