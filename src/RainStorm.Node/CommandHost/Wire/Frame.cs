using System.Text.Json.Serialization;
using RainStorm.Actors.Commands.Model;

namespace RainStorm.Node.CommandHost.Wire;

/// <summary>
/// One message of the command protocol, sent as a length-prefixed JSON object. Every frame but
/// <see cref="FrameTypes.Welcome"/> belongs to one request <see cref="Id"/>; a request ends with exactly one
/// <see cref="FrameTypes.Done"/>.
/// </summary>
public sealed record Frame
{
    public required string Type { get; init; }
    public long Id { get; init; }

    /// <summary>run: the command's tokens.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>out: one line of output; auth (client → host): the token; note: one line about the command.</summary>
    public string? Text { get; init; }

    /// <summary>read / write: the client-side file the host wants to read or write.</summary>
    public string? Path { get; init; }

    /// <summary>data: a chunk of file bytes (base64 in JSON).</summary>
    public byte[]? Data { get; init; }

    /// <summary>done: the exit code; fail / done: the one-line error.</summary>
    public int Exit { get; init; }
    public string? Error { get; init; }

    /// <summary>welcome: the host's node address and its command palettes.</summary>
    public string? Node { get; init; }
    public IReadOnlyList<PaletteInfo>? Palettes { get; init; }

    [JsonIgnore] public bool IsFinal => Type == FrameTypes.Done;
}

/// <summary>The frame types. Host → client: auth, welcome, out, note, read, write, data, close, done, fail.
/// Client → host: auth, run, cancel, data, close, fail.</summary>
public static class FrameTypes
{
    public const string Welcome = "welcome";
    /// <summary>Host → client first, when the endpoint has a token: present it. Client → host: the token in Text.
    /// The host answers welcome when it matches, fail (with the reason) and closes otherwise.</summary>
    public const string Auth = "auth";
    public const string Run = "run";
    public const string Cancel = "cancel";
    public const string Out = "out";
    /// <summary>A line about the command (not its output), printed on the client's standard error.</summary>
    public const string Note = "note";
    /// <summary>Host asks the client for a file's bytes; the client answers with data… close, or fail.</summary>
    public const string Read = "read";
    /// <summary>Host starts writing a client file; data… close follow.</summary>
    public const string Write = "write";
    public const string Data = "data";
    public const string Close = "close";
    public const string Fail = "fail";
    public const string Done = "done";
}
