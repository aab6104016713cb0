using System.Globalization;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Commands.Parsing;

/// <summary>Finds the command named by the first token(s) and validates its arguments against the spec.</summary>
public static class CommandParser
{
    /// <summary>The longest <see cref="ValueKind.Seconds"/> value: timers (CancelAfter) take at most ~24.8 days.</summary>
    public const int MaxSeconds = 2_000_000;

    public static ParsedCommand Parse(IReadOnlyList<CommandSpec> specs, IReadOnlyList<string> tokens)
    {
        var (spec, used) = Find(specs, tokens);
        return new ParsedCommand(spec, ParseArguments(spec, tokens.Skip(used).ToList()));
    }

    /// <summary>The command whose name (or alias) matches the longest run of leading tokens.</summary>
    public static (CommandSpec Spec, int TokensUsed) Find(IReadOnlyList<CommandSpec> specs, IReadOnlyList<string> tokens)
    {
        if (tokens.Count == 0) throw new CommandSyntaxException("no command given (type 'help' for the list).");
        var best = specs
            .SelectMany(s => s.Names.Select(n => (Spec: s, Words: n.Split(' '))))
            .Where(c => c.Words.Length <= tokens.Count &&
                        c.Words.Select((w, i) => string.Equals(w, tokens[i], StringComparison.OrdinalIgnoreCase)).All(m => m))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (best.Spec is not null) return (best.Spec, best.Words.Length);

        var group = SubCommands(specs, tokens[0]);
        if (group.Count == 0)
            throw new CommandSyntaxException($"unknown command '{tokens[0]}' (type 'help' for the list).");
        var expected = string.Join(", ", group);
        throw new CommandSyntaxException(tokens.Count == 1
            ? $"{tokens[0]}: missing sub-command; expected one of {expected}."
            : $"{tokens[0]}: unknown sub-command '{tokens[1]}'; expected one of {expected}.");
    }

    /// <summary>The second words of the multi-word commands starting with <paramref name="group"/>.</summary>
    public static IReadOnlyList<string> SubCommands(IEnumerable<CommandSpec> specs, string group) =>
        specs.SelectMany(s => s.Names).Select(n => n.Split(' '))
            .Where(w => w.Length > 1 && string.Equals(w[0], group, StringComparison.OrdinalIgnoreCase))
            .Select(w => w[1]).Distinct().ToList();

    public static ParsedArguments ParseArguments(CommandSpec spec, IReadOnlyList<string> tokens)
    {
        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        var rest = new List<string>();
        var positionals = spec.Arguments.Where(a => a.Kind == ArgumentKind.Positional).ToList();
        var restArg = spec.Arguments.FirstOrDefault(a => a.Kind == ArgumentKind.Rest);
        var nextPositional = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var named = spec.Arguments.FirstOrDefault(a => a.IsSpelled(token));
            if (named is { Kind: ArgumentKind.Flag })
            {
                flags.Add(named.Name);
            }
            else if (named is { Kind: ArgumentKind.Option })
            {
                if (i + 1 >= tokens.Count) throw Error(spec, $"{token} needs a value ({named.ValueName ?? "value"})");
                values[named.Name] = Validate(spec, named, tokens[++i], token);
            }
            else if (nextPositional < positionals.Count)
            {
                if (LooksLikeOption(token)) throw Error(spec, $"unknown option '{token}'");
                var arg = positionals[nextPositional++];
                values[arg.Name] = Validate(spec, arg, token, $"<{arg.Name}>");
            }
            else if (restArg is not null)
            {
                rest.AddRange(tokens.Skip(i));
                break;
            }
            else
            {
                throw Error(spec, LooksLikeOption(token) ? $"unknown option '{token}'" : $"unexpected argument '{token}'");
            }
        }
        var missing = positionals.Skip(nextPositional).FirstOrDefault(a => a.Required);
        if (missing is not null) throw Error(spec, $"missing <{missing.Name}> ({missing.Description})");
        if (restArg is { Required: true } && rest.Count == 0) throw Error(spec, $"missing <{restArg.Name}> ({restArg.Description})");
        return new ParsedArguments(values, flags, rest);
    }

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Validate(CommandSpec spec, ArgumentSpec arg, string value, string shownAs)
    {
        if (arg.AllowedValues is { Count: > 0 } allowed && !allowed.Contains(value, StringComparer.Ordinal))
            throw Error(spec, $"{shownAs} '{value}' is not one of {string.Join(", ", allowed)}");
        var problem = arg.Value switch
        {
            ValueKind.Count when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) =>
                $"is not a whole number from 0 to {int.MaxValue}",
            ValueKind.Seconds when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !(s > 0 && s <= MaxSeconds) =>
                $"is not a number of seconds > 0 (at most {MaxSeconds}, about 23 days)",
            ValueKind.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n >= 0 && double.IsFinite(n)) =>
                "is not a number >= 0",
            ValueKind.Node when !IsHostPort(value) => "is not host:port",
            ValueKind.ClientPath or ValueKind.Text when value.Length == 0 => "is empty",
            _ => null,
        };
        return problem is null ? value : throw Error(spec, $"{shownAs} '{value}' {problem}");
    }

    private static bool IsHostPort(string value)
    {
        try
        {
            RainStormOptions.ParseHostPort(value, "node");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static CommandSyntaxException Error(CommandSpec spec, string problem) =>
        new($"{spec.Name}: {problem}. Usage: {spec.Usage}");
}
