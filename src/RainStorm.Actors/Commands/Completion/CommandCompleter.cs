using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Actors.Commands.Completion;

/// <summary>What to put in place of the word being typed: the word starts at <see cref="ReplaceFrom"/>.</summary>
public sealed record Completion(int ReplaceFrom, string Prefix, IReadOnlyList<string> Candidates)
{
    /// <summary>The longest text every candidate starts with (what one Tab can insert).</summary>
    public string CommonPrefix
    {
        get
        {
            if (Candidates.Count == 0) return Prefix;
            var common = Candidates[0];
            foreach (var c in Candidates.Skip(1))
            {
                var n = 0;
                while (n < common.Length && n < c.Length && char.ToLowerInvariant(common[n]) == char.ToLowerInvariant(c[n])) n++;
                common = common[..n];
            }
            return common.Length >= Prefix.Length ? common : Prefix;
        }
    }
}

/// <summary>
/// Completes command names (with their groups and sub-commands), option names, and the declared values of
/// the argument at the cursor. Pure: works on the specs a client downloaded, no connection needed.
/// </summary>
public sealed class CommandCompleter(IReadOnlyList<CommandSpec> specs, IReadOnlyList<string> builtIns)
{
    public const string Help = "help";

    public Completion Complete(string lineBeforeCursor)
    {
        IReadOnlyList<CommandLine.Token> tokens;
        bool inWord;
        try
        {
            tokens = CommandLine.Tokenize(lineBeforeCursor, out inWord);
        }
        catch (CommandSyntaxException)
        {
            return new Completion(lineBeforeCursor.Length, "", []);
        }
        var prefix = inWord ? tokens[^1].Text : "";
        var from = inWord ? tokens[^1].Start : lineBeforeCursor.Length;
        var done = (inWord ? tokens.Take(tokens.Count - 1) : tokens).Select(t => t.Text).ToList();
        var candidates = Candidates(done, prefix)
            .Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new Completion(from, prefix, candidates);
    }

    private IEnumerable<string> Candidates(List<string> done, string prefix)
    {
        if (done.Count == 0)
            return specs.SelectMany(s => s.Names).Select(n => n.Split(' ')[0]).Concat(builtIns);
        if (string.Equals(done[0], Help, StringComparison.OrdinalIgnoreCase))
            return CommandWords(done.Skip(1).ToList());

        var spec = specs.Select(s => (Spec: s, Words: s.Names.Select(n => n.Split(' ')).FirstOrDefault(w => Matches(w, done))))
            .Where(c => c.Words is not null)
            .OrderByDescending(c => c.Words!.Length)
            .FirstOrDefault();
        if (spec.Spec is null) return CommandWords(done);
        return ArgumentCandidates(spec.Spec, done.Skip(spec.Words!.Length).ToList(), prefix);
    }

    /// <summary>Command words after <paramref name="done"/>: first words, or a group's sub-commands.</summary>
    private IEnumerable<string> CommandWords(List<string> done) => done.Count switch
    {
        0 => specs.SelectMany(s => s.Names).Select(n => n.Split(' ')[0]),
        1 => CommandParser.SubCommands(specs, done[0]),
        _ => [],
    };

    private static bool Matches(string[] words, List<string> done) =>
        words.Length <= done.Count && words.Select((w, i) => string.Equals(w, done[i], StringComparison.OrdinalIgnoreCase)).All(m => m);

    private static IEnumerable<string> ArgumentCandidates(CommandSpec spec, List<string> args, string prefix)
    {
        if (args.Count > 0 && spec.Arguments.FirstOrDefault(a => a.IsSpelled(args[^1])) is { Kind: ArgumentKind.Option } option)
            return option.AllowedValues ?? [];

        var positionalIndex = 0;
        var used = new HashSet<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var named = spec.Arguments.FirstOrDefault(a => a.IsSpelled(args[i]));
            if (named is null) positionalIndex++;
            else
            {
                used.Add(named.Name);
                if (named.Kind == ArgumentKind.Option) i++;
            }
        }
        var options = spec.Arguments.Where(a => a.IsNamed && !used.Contains(a.Name)).SelectMany(a => a.Spellings);
        if (prefix.StartsWith('-')) return options;
        var next = spec.Arguments.Where(a => a.Kind == ArgumentKind.Positional).ElementAtOrDefault(positionalIndex);
        return next?.AllowedValues is { Count: > 0 } values ? values : next is null ? options : [];
    }
}
