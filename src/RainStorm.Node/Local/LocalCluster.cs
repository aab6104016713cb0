using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Node.Local;

/// <summary>
/// An embedded cluster: N real nodes (each its own ActorSystem with remoting on loopback, all roles) in this
/// process, node 1 being the seed. Used by `rainstorm local`, the integration tests and the benchmark.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<IHost> _hosts;
    private readonly HashSet<IHost> _started = [];

    private LocalCluster(List<IHost> hosts, IReadOnlyList<RainStormOptions> options)
    {
        _hosts = hosts;
        Options = options;
    }

    public IReadOnlyList<RainStormOptions> Options { get; }
    public IReadOnlyList<ActorSystem> Systems => _hosts.Select(h => h.Services.GetRequiredService<ActorSystem>()).ToList();
    public ActorSystem First => Systems[0];
    public IActorRef Leader => ActorRegistry.For(First).Get<JobCommands.LeaderProxyKey>();
    public HyDfsClient HyDfs => HyDfsClient.For(First);

    /// <param name="dataRoot">Node i keeps its data (HyDFS replicas, log) under dataRoot/node-i.</param>
    /// <param name="cmdPort">Command endpoint of node 1 (0 = a free port, -1 = none); the others have none.</param>
    /// <param name="httpPort">HTTP endpoint (dashboard, API, /metrics) of node 1 (0 = a free port, -1 = none); the others have none.</param>
    /// <param name="extraHocon">Layered over the defaults on every node (tests shorten timeouts with it).</param>
    public static async Task<LocalCluster> StartAsync(int nodes, string dataRoot, int cmdPort = -1, string operatorDir = "operators",
        string? extraHocon = null, TimeSpan? timeout = null, int httpPort = -1)
    {
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), "a cluster needs at least one node");
        var ports = ReservedPorts.Next(nodes);
        var options = Enumerable.Range(0, nodes).Select(i => new RainStormOptions
        {
            Host = "127.0.0.1",
            Port = ports[i],
            Seeds = [$"127.0.0.1:{ports[0]}"],
            Roles = [.. RainStormOptions.AllRoles],
            CmdPort = i == 0 ? cmdPort : -1,
            HttpPort = i == 0 ? httpPort : -1,
            DataDir = Path.Combine(dataRoot, $"node-{i + 1}"),
            OperatorDir = operatorDir,
            ExtraHocon = extraHocon,
        }).ToList();
        var hosts = new List<IHost>();
        var cluster = new LocalCluster(hosts, options);
        try
        {
            foreach (var option in options) hosts.Add(NodeHost.Build(option));
            await cluster.StartHostAsync(hosts[0]);
            await Task.WhenAll(hosts.Skip(1).Select(cluster.StartHostAsync));
            await cluster.WaitReadyAsync(timeout ?? TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartHostAsync(IHost host)
    {
        await host.StartAsync();
        lock (_started) _started.Add(host);
    }

    /// <summary>Every node Up, every worker registered with the leader, every node in the HyDFS ring.</summary>
    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var expected = _hosts.Count;
        while (true)
        {
            try
            {
                var up = Cluster.Get(First).State.Members.Count(m => m.Status == MemberStatus.Up);
                if (up == expected)
                {
                    var workers = await Leader.Ask<WorkerList>(new ListWorkers(), TimeSpan.FromSeconds(2), cts.Token);
                    var ring = await HyDfs.ListMembersAsync(cts.Token);
                    if (workers.Nodes.Count == expected && ring.Count == expected) return;
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or HyDfsException && !cts.IsCancellationRequested)
            {
                // Not ready yet: the singleton or the ring is still forming.
            }
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"the local cluster of {expected} nodes did not become ready within {timeout.TotalSeconds:0} s");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        RainStorm.Actors.NodeLog.NodeLogger.MuteConsole();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            // Stopping a host whose start failed throws inside Microsoft.Extensions.Hosting; such a host is only disposed.
            if (!_started.Contains(host))
            {
                host.Dispose();
                continue;
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await host.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // A node that does not leave in time is dropped with the process.
            }
            host.Dispose();
        }
        _hosts.Clear();
        _started.Clear();
    }
}
