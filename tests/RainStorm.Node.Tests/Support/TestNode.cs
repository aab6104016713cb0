using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Actors.Hosting;
using RainStorm.Node.CommandHost;

namespace RainStorm.Node.Tests.Support;

/// <summary>One real node (NodeHost.Build) on free ports, with its command endpoint on a free port.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(IHost host, RainStormOptions options)
    {
        Host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public IHost Host { get; }
    public RainStormOptions Options { get; }
    public ActorSystem System { get; }
    public string Address => Options.SelfAddress;

    public string CmdEndpoint => CommandEndpoint.Get(System).Bound is { } e
        ? $"{e.Address}:{e.Port}"
        : throw new InvalidOperationException("the node has no command endpoint.");

    public static RainStormOptions NewOptions(string dataRoot, string? seed, IEnumerable<string>? roles = null, string? extraHocon = null)
    {
        var port = FreePort.Next();
        return new RainStormOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Seeds = [seed ?? $"127.0.0.1:{port}"],
            Roles = (roles ?? RainStormOptions.AllRoles).ToList(),
            CmdPort = 0,
            HttpPort = -1,
            DataDir = Path.Combine(dataRoot, $"node-{port}"),
            OperatorDir = Path.Combine(dataRoot, "operators"),
            // No test here kills a node: a tolerant failure detector keeps a busy CI machine (node processes of other
            // test projects run at the same time) from having the split brain resolver down a slow member.
            ExtraHocon = "akka.loglevel = WARNING\nakka.stdout-loglevel = ERROR\n" +
                         "akka.cluster.failure-detector.acceptable-heartbeat-pause = 15s\n" +
                         "akka.cluster.split-brain-resolver.stable-after = 15s\n" + extraHocon,
        };
    }

    public static async Task<TestNode> StartAsync(RainStormOptions options)
    {
        var host = NodeHost.Build(options);
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new TestNode(host, options);
    }

    /// <summary>Completes when this node sees <paramref name="count"/> members Up.</summary>
    public Task WaitForUpMembersAsync(int count) =>
        Eventually.AssertAsync(() => Assert.Equal(count, Cluster.Get(System).State.Members.Count(m => m.Status == MemberStatus.Up)),
            TimeSpan.FromSeconds(40));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // A node a test already removed from the cluster may be terminated: nothing left to stop.
        }
        Host.Dispose();
    }
}
