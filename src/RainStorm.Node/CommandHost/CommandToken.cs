using System.Security.Cryptography;
using System.Text;
using RainStorm.Actors.Hosting;

namespace RainStorm.Node.CommandHost;

/// <summary>The secret a command connection must present before it sees the palettes or runs anything.</summary>
public sealed class CommandToken
{
    private readonly byte[] _digest;

    private CommandToken(string token) => _digest = Digest(token);

    /// <summary>The node's token, or null when none is configured (an empty value counts as none).</summary>
    public static CommandToken? Of(RainStormOptions options) =>
        string.IsNullOrEmpty(options.Token) ? null : new CommandToken(options.Token);

    /// <summary>Compares digests in constant time, so the reply time tells nothing about how much of a guess was right.</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(_digest, Digest(presented));

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
