using System.Net;

namespace RainStorm.Node.CommandHost;

/// <summary>The rule for every endpoint that runs commands (the command endpoint, an HTTP endpoint): loopback, or a token.</summary>
public static class LoopbackGuard
{
    /// <param name="what">The endpoint, as the operator knows it (e.g. "the command endpoint").</param>
    public static void RequireTokenOffLoopback(IPAddress address, string host, CommandToken? token, string what) =>
        RequireTokenOffLoopback(address, host, token is not null, what, "--token or RAINSTORM_TOKEN");

    /// <param name="howToConfigure">Where the operator sets the token, as the message names it.</param>
    public static void RequireTokenOffLoopback(IPAddress address, string host, bool hasToken, string what, string howToConfigure)
    {
        if (!IPAddress.IsLoopback(address) && !hasToken)
            throw new UsageException(
                $"{what} may bind to the non-loopback address {host} only with a token ({howToConfigure}): whoever reaches it can run jobs, which runs code on the cluster.");
    }
}
