using System.Globalization;
using RainStorm.Actors.Commands.Model;

namespace RainStorm.Actors.Commands.Parsing;

/// <summary>The validated arguments of one command, by declared name.</summary>
public sealed class ParsedArguments(
    IReadOnlyDictionary<string, string> values, IReadOnlySet<string> flags, IReadOnlyList<string> rest)
{
    public IReadOnlyList<string> Rest => rest;

    public bool Has(string flag) => flags.Contains(flag);

    public string? Optional(string name) => values.GetValueOrDefault(name);

    /// <summary>A required argument; the parser guarantees it is present.</summary>
    public string this[string name] => values.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"argument '{name}' was not parsed (declare it as required).");

    public int? Count(string name) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    public TimeSpan? Seconds(string name) =>
        values.TryGetValue(name, out var v) ? TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) : null;

    public double? Number(string name) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : null;

    public bool Json => values.TryGetValue(Arg.OutputOption, out var o) && o == "json";
}

/// <summary>A command found in the palettes, with its validated arguments.</summary>
public sealed record ParsedCommand(CommandSpec Spec, ParsedArguments Arguments);
