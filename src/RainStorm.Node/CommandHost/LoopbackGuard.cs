using System.Net;

namespace RainStorm.Node.CommandHost;

/// <summary>The rule for every endpoint that runs commands (the command endpoint, an HTTP endpoint): loopback, or a token.</summary>
public static class LoopbackGuard
{
    /// <param name="what">The endpoint, as the operator knows it (e.g. "the command endpoint").</param>
    public static void RequireTokenOffLoopback(IPAddress address, string host, CommandToken? token, string what)
    {
        if (!IPAddress.IsLoopback(address) && token is null)
            throw new UsageException(
                $"{what} may bind to the non-loopback address {host} only with a token (--token or RAINSTORM_TOKEN): whoever reaches it can run jobs, which runs code on the cluster.");
    }
}
