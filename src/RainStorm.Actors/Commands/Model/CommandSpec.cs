using System.Text.Json.Serialization;

namespace RainStorm.Actors.Commands.Model;

/// <summary>
/// The public face of one command: what the host serves to clients for help, completion and validation.
/// <paramref name="Name"/> may be several words (<c>cluster show</c>, <c>hydfs get</c>); the first word of a
/// multi-word name is a group that completion offers on its own.
/// </summary>
public sealed record CommandSpec(
    string Name,
    string Description,
    IReadOnlyList<ArgumentSpec> Arguments,
    string Example,
    IReadOnlyList<string>? Aliases = null)
{
    [JsonIgnore]
    public IReadOnlyList<string> Words => Name.Split(' ');

    [JsonIgnore]
    public IEnumerable<string> Names => Aliases is null ? [Name] : [Name, .. Aliases];

    [JsonIgnore]
    public string Usage => string.Join(' ', new[] { Name }.Concat(Arguments.Select(a => a.Usage)));
}
