using Akka.Cluster;
using Akka.Hosting;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Tests.Support;

/// <summary>
/// N RainStorm nodes on 127.0.0.1 in this process, each with its own data directory under a fresh temp dir
/// (deleted on dispose). The first node's port comes from the OS; the others use port 0.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>For tests that stop nodes only gracefully (or not at all): a heavily loaded machine starves heartbeats,
    /// and the default failure detector would have the split brain resolver down a slow but healthy member mid-test.</summary>
    public const string TolerantFailureDetector = """
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 20s
        akka.cluster.split-brain-resolver.stable-after = 20s
        """;

    public const string TestHocon = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.cluster.log-info = off
        akka.remote.log-remote-lifecycle-events = off
        akka.cluster.gossip-interval = 300ms
        akka.cluster.leader-actions-interval = 300ms
        """;

    private readonly List<TestNode> _nodes = [];
    private string? _seed;

    private TestCluster(string root) => Root = root;

    public string Root { get; }
    public IReadOnlyList<TestNode> Nodes => _nodes;
    public TestNode this[int index] => _nodes[index];

    public static async Task<TestCluster> StartAsync(int nodes, IReadOnlyList<string>? roles = null,
        Action<AkkaConfigurationBuilder>? extra = null, string? hocon = null)
    {
        var cluster = new TestCluster(Path.Combine(Path.GetTempPath(), "rainstorm-test-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(cluster.Root);
        try
        {
            for (var i = 0; i < nodes; i++) await cluster.AddNodeAsync(roles, extra, hocon);
            await cluster.WaitUpAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more node (data dir node-K, or <paramref name="dataDir"/> to restart on an old one).</summary>
    public async Task<TestNode> AddNodeAsync(IReadOnlyList<string>? roles = null, Action<AkkaConfigurationBuilder>? extra = null,
        string? hocon = null, string? dataDir = null)
    {
        var options = new RainStormOptions
        {
            Port = _seed is null ? FreePort.Next() : 0,
            Seeds = _seed is null ? [] : [_seed],
            Roles = (roles ?? RainStormOptions.AllRoles).ToList(),
            DataDir = dataDir ?? Path.Combine(Root, $"node-{_nodes.Count}"),
            CmdPort = -1,
            ExtraHocon = TestHocon + "\n" + (hocon ?? ""),
        };
        var node = await TestNode.StartAsync(options, extra);
        _seed ??= node.Address;
        _nodes.Add(node);
        return node;
    }

    /// <summary>Completes when every running node sees every running node Up.</summary>
    public async Task WaitUpAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var running = _nodes.Where(n => !n.System.WhenTerminated.IsCompleted).ToList();
        var tcs = running.Select(node =>
        {
            var done = new TaskCompletionSource();
            var cluster = Cluster.Get(node.System);
            void Check()
            {
                var up = cluster.State.Members.Count(m => m.Status == MemberStatus.Up);
                if (up >= running.Count) done.TrySetResult();
            }
            cluster.RegisterOnMemberUp(Check);
            var timer = new Timer(_ => Check(), null, 0, 100);
            done.Task.ContinueWith(_ => timer.Dispose());
            return done.Task;
        });
        await Task.WhenAll(tcs).WaitAsync(deadline - DateTime.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(async n =>
        {
            try { await n.StopAsync(); } catch { /* already gone */ }
        }));
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
