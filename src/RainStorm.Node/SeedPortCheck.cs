using RainStorm.Actors.Hosting;
using RainStorm.Node.Client;

namespace RainStorm.Node;

/// <summary>
/// Refuses a <c>--seed</c> that is a RainStorm command endpoint (it greets every connection at once), a common mix-up
/// of the two ports: the node would otherwise wait to join it forever. A seed that is down or silent is fine here
/// (seeds may start later; a remoting port says nothing until spoken to).
/// </summary>
public static class SeedPortCheck
{
    private static readonly TimeSpan Greeting = TimeSpan.FromSeconds(1);

    public static async Task EnsureRemotingPortsAsync(RainStormOptions options)
    {
        await Task.WhenAll(options.Seeds.Select(async seed =>
        {
            var (host, port) = RainStormOptions.ParseHostPort(seed, "--seed");
            if (await CommandClient.GreetsAsync(host, port, Greeting))
                throw new UsageException($"--seed {seed} is a RainStorm command port (--cmd-port), not a remoting port; give the seed node's --port (default 4053).");
        }));
    }
}
