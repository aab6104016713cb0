using Akka.Cluster;
using Akka.Hosting;

namespace RainStorm.Testing;

/// <summary>
/// N RainStorm nodes on 127.0.0.1 in this process (real actor systems, remoting on loopback, free ports), each with
/// its own data directory under a fresh temp dir deleted on dispose. The first node is the seed.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestNode> _nodes = [];
    private string? _seed;

    private TestCluster(string root) => Root = root;

    public string Root { get; }
    public IReadOnlyList<TestNode> Nodes => _nodes;
    public TestNode this[int index] => _nodes[index];
    public TestNode First => _nodes[0];

    /// <param name="roles">Every node's roles (null = all).</param>
    /// <param name="configure">More actor-system set-up on every node (e.g. the HyDFS persistence plugins).</param>
    /// <param name="hocon">Layered over every node's configuration.</param>
    /// <param name="commandEndpoints">Give every node a command endpoint on a free port.</param>
    public static async Task<TestCluster> StartAsync(int nodes, IReadOnlyList<string>? roles = null,
        Action<AkkaConfigurationBuilder>? configure = null, string? hocon = null, bool commandEndpoints = false)
    {
        var cluster = new TestCluster(Directory.CreateTempSubdirectory("rainstorm-test-").FullName);
        try
        {
            for (var i = 0; i < nodes; i++) await cluster.AddNodeAsync(roles, configure, hocon, commandEndpoints: commandEndpoints);
            await cluster.WaitUpAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more node (a fresh data directory, or <paramref name="dataDir"/> to restart on an old one).</summary>
    public async Task<TestNode> AddNodeAsync(IReadOnlyList<string>? roles = null, Action<AkkaConfigurationBuilder>? configure = null,
        string? hocon = null, string? dataDir = null, bool commandEndpoints = false)
    {
        var options = TestNode.NewOptions(Root, _seed, roles, hocon, cmdPort: commandEndpoints ? 0 : -1, tolerant: false);
        if (dataDir is not null) options.DataDir = dataDir;
        var node = await TestNode.StartAsync(options, configure);
        _seed ??= node.Address;
        _nodes.Add(node);
        return node;
    }

    /// <summary>Completes when every running node sees every running node Up.</summary>
    public Task WaitUpAsync(TimeSpan? timeout = null)
    {
        var running = _nodes.Where(n => !n.System.WhenTerminated.IsCompleted).ToList();
        return Poll.UntilAsync(() => Task.FromResult(running.All(node =>
                Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up) >= running.Count)),
            timeout ?? TimeSpan.FromSeconds(60), $"{running.Count} nodes Up");
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.StopAsync()));
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
