using System.Text.Json.Serialization;

namespace RainStorm.Actors.Commands.Model;

/// <summary>How an argument appears on the command line.</summary>
public enum ArgumentKind
{
    /// <summary>A value in its position, e.g. <c>wait &lt;job&gt;</c>.</summary>
    Positional,
    /// <summary>A named value, e.g. <c>--timeout 30</c> or <c>-o json</c>.</summary>
    Option,
    /// <summary>A named switch without value, e.g. <c>--follow</c>.</summary>
    Flag,
    /// <summary>Every remaining token, taken verbatim (the job line, multiappend's nodes and files).</summary>
    Rest,
}

/// <summary>What a value must look like; the parser checks it before the command runs.</summary>
public enum ValueKind
{
    Text,
    /// <summary>A whole number &gt;= 0.</summary>
    Count,
    /// <summary>A number of seconds &gt; 0 (fractions allowed).</summary>
    Seconds,
    /// <summary>A number &gt;= 0 (fractions allowed), e.g. a rate.</summary>
    Number,
    /// <summary>A cluster node as host:port.</summary>
    Node,
    /// <summary>A path on the client's machine; the client sends or receives its bytes.</summary>
    ClientPath,
}

/// <summary>One declared argument of a command. Served to clients for help, validation and completion.</summary>
/// <param name="Name">Positional name (shown as &lt;name&gt;) or, for options and flags, the long form (<c>--timeout</c>).</param>
/// <param name="Aliases">Other spellings of an option or flag (<c>-o</c> for <c>--output</c>).</param>
/// <param name="AllowedValues">When set, the only values accepted; also what completion offers.</param>
public sealed record ArgumentSpec(
    string Name,
    string Description,
    ArgumentKind Kind = ArgumentKind.Positional,
    bool Required = true,
    ValueKind Value = ValueKind.Text,
    IReadOnlyList<string>? AllowedValues = null,
    IReadOnlyList<string>? Aliases = null,
    string? ValueName = null)
{
    [JsonIgnore]
    public bool IsNamed => Kind is ArgumentKind.Option or ArgumentKind.Flag;

    [JsonIgnore]
    public IEnumerable<string> Spellings => Aliases is null ? [Name] : [Name, .. Aliases];

    public bool IsSpelled(string token) => IsNamed && Spellings.Contains(token, StringComparer.Ordinal);

    /// <summary>How the argument reads in a usage line.</summary>
    [JsonIgnore]
    public string Usage => Kind switch
    {
        ArgumentKind.Positional when Required => $"<{Name}>",
        ArgumentKind.Positional => $"[<{Name}>]",
        ArgumentKind.Rest when Required => $"<{Name}>...",
        ArgumentKind.Rest => $"[<{Name}>...]",
        ArgumentKind.Flag => $"[{Name}]",
        _ => $"[{Aliases?.FirstOrDefault() ?? Name} {(AllowedValues is { Count: > 0 } v ? string.Join('|', v) : ValueName ?? "value")}]",
    };
}

/// <summary>Short constructors for the argument shapes the palettes use.</summary>
public static class Arg
{
    public static ArgumentSpec Positional(string name, string description, ValueKind value = ValueKind.Text, IReadOnlyList<string>? allowed = null) =>
        new(name, description, ArgumentKind.Positional, Required: true, value, allowed);

    public static ArgumentSpec OptionalPositional(string name, string description, ValueKind value = ValueKind.Text) =>
        new(name, description, ArgumentKind.Positional, Required: false, value);

    public static ArgumentSpec Option(string name, string valueName, string description, ValueKind value = ValueKind.Text,
        IReadOnlyList<string>? allowed = null, IReadOnlyList<string>? aliases = null) =>
        new(name, description, ArgumentKind.Option, Required: false, value, allowed, aliases, valueName);

    public static ArgumentSpec Flag(string name, string description) =>
        new(name, description, ArgumentKind.Flag, Required: false);

    public static ArgumentSpec Rest(string name, string description) =>
        new(name, description, ArgumentKind.Rest);

    public const string OutputOption = "--output";

    /// <summary><c>-o table|json</c>, offered by every listing command.</summary>
    public static ArgumentSpec Output { get; } =
        Option(OutputOption, "format", "output format: an aligned table (default) or JSON for scripts",
            allowed: ["table", "json"], aliases: ["-o"]);
}
