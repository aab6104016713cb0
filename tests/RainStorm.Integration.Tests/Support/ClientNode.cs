using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Actors.Hosting;

namespace RainStorm.Integration.Tests.Support;

/// <summary>An in-process node without roles (built by <see cref="RainStorm.Node.NodeHost"/>, like any node) that a test
/// uses to reach a cluster of node processes: the leader proxy, HyDFS. Stopped on dispose.</summary>
public sealed class ClientNode : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientNode(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Joins through <paramref name="seed"/> (host:port) and returns once this node is Up.</summary>
    /// <param name="cmdPort">A command endpoint for the CLI on this port (-1: none).</param>
    /// <param name="extraHocon">Layered over the node's configuration.</param>
    public static async Task<ClientNode> StartAsync(string seed, string dataDir, int cmdPort = -1, string? extraHocon = null)
    {
        var node = new ClientNode(RainStorm.Node.NodeHost.Build(new RainStormOptions
        {
            Port = 0,
            Seeds = [seed],
            Roles = [],
            CmdPort = cmdPort,
            HttpPort = -1,
            DataDir = dataDir,
            ExtraHocon = "akka.loglevel = WARNING\nrainstorm.log.console-level = OFF\n" + extraHocon,
        }));
        await node._host.StartAsync();
        var up = new TaskCompletionSource();
        Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _host.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }
}
