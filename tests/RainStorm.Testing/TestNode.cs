using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Actors.Hosting;
using RainStorm.Node;
using RainStorm.Node.CommandHost;

namespace RainStorm.Testing;

/// <summary>One RainStorm node in this process, built by <see cref="NodeHost"/> like every real node, on free ports.</summary>
public sealed class TestNode : IAsyncDisposable
{
    /// <summary>Quiet logs; gossip and leader actions three times a second so membership settles quickly.</summary>
    public const string QuietHocon = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = ERROR
        akka.cluster.log-info = off
        akka.remote.log-remote-lifecycle-events = off
        rainstorm.log.console-level = OFF
        akka.cluster.gossip-interval = 300ms
        akka.cluster.leader-actions-interval = 300ms
        """;

    /// <summary>For tests that stop nodes only gracefully (or not at all): a heavily loaded machine starves heartbeats,
    /// and the default failure detector would have the split brain resolver down a slow but healthy member mid-test.</summary>
    public const string TolerantFailureDetector = """
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 20s
        akka.cluster.split-brain-resolver.stable-after = 20s
        """;

    private readonly IHost _host;
    private bool _stopped;

    private TestNode(IHost host, RainStormOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        var self = Cluster.Get(System).SelfAddress;
        Address = $"{self.Host}:{self.Port}";
    }

    public RainStormOptions Options { get; }
    public ActorSystem System { get; }

    /// <summary>host:port of this node's remoting endpoint.</summary>
    public string Address { get; }

    /// <summary>host:port of this node's command endpoint.</summary>
    public string CmdEndpoint => CommandEndpoint.Get(System).Bound is { } e
        ? $"{e.Address}:{e.Port}"
        : throw new InvalidOperationException("the node has no command endpoint.");

    /// <summary>A node on a free remoting port with data directory <c>node-PORT</c> under <paramref name="dataRoot"/>.</summary>
    /// <param name="seed">host:port to join; null = this node seeds itself (the first node of a cluster).</param>
    /// <param name="cmdPort">0 = a command endpoint on a free port, -1 = none.</param>
    /// <param name="tolerant">Layer <see cref="TolerantFailureDetector"/> (for tests that kill no node).</param>
    public static RainStormOptions NewOptions(string dataRoot, string? seed, IEnumerable<string>? roles = null, string? extraHocon = null,
        int cmdPort = 0, bool tolerant = true)
    {
        var port = FreePort.Next();
        return new RainStormOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Seeds = [seed ?? $"127.0.0.1:{port}"],
            Roles = (roles ?? RainStormOptions.AllRoles).ToList(),
            CmdPort = cmdPort,
            HttpPort = -1,
            DataDir = Path.Combine(dataRoot, $"node-{port}"),
            OperatorDir = Path.Combine(dataRoot, "operators"),
            ExtraHocon = QuietHocon + "\n" + (tolerant ? TolerantFailureDetector : "") + "\n" + extraHocon,
        };
    }

    /// <param name="configure">More actor-system set-up after RainStorm's (e.g. the HyDFS persistence plugins).</param>
    public static async Task<TestNode> StartAsync(RainStormOptions options, Action<AkkaConfigurationBuilder>? configure = null)
    {
        var host = NodeHost.Build(options, configure);
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new TestNode(host, options);
    }

    /// <summary>A node without roles that a test uses to reach a cluster (the leader proxy, HyDFS); returns once it is Up.</summary>
    /// <param name="cmdPort">A command endpoint for the CLI on this port (-1: none).</param>
    public static async Task<TestNode> StartClientAsync(string seed, string dataDir, int cmdPort = -1, string? extraHocon = null)
    {
        var node = await StartAsync(new RainStormOptions
        {
            Port = 0,
            Seeds = [seed],
            Roles = [],
            CmdPort = cmdPort,
            HttpPort = -1,
            DataDir = dataDir,
            ExtraHocon = "akka.loglevel = WARNING\nrainstorm.log.console-level = OFF\n" + extraHocon,
        });
        var up = new TaskCompletionSource();
        Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>Completes when this node sees <paramref name="count"/> members Up.</summary>
    public Task WaitForUpMembersAsync(int count, TimeSpan? timeout = null) =>
        Poll.AssertAsync(() => Xunit.Assert.Equal(count, Cluster.Get(System).State.Members.Count(m => m.Status == MemberStatus.Up)),
            timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Leaves the cluster cleanly and stops the actor system (a node already removed just stops).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Did not leave in time, or a test already removed the node: terminating below ends it anyway.
        }
        finally
        {
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            _host.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
