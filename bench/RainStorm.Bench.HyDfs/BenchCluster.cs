using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Hosting;

namespace RainStorm.Bench.HyDfs;

/// <summary>N hydfs nodes in this process (real remoting over loopback, real disks), started like a node host does.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    /// <summary>Leaves the cluster cleanly and stops node <paramref name="index"/>.</summary>
    public async Task StopNodeAsync(int index)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _hosts[index].StopAsync(timeout.Token);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "rainstorm-bench-hydfs-" + Guid.NewGuid().ToString("N")[..8]);
    public List<ActorSystem> Systems { get; } = [];

    /// <summary>Starts <paramref name="nodes"/> hydfs nodes plus one client node without the hydfs role (the last system).</summary>
    public static async Task<BenchCluster> StartAsync(int nodes)
    {
        var cluster = new BenchCluster();
        string? seed = null;
        for (var i = 0; i <= nodes; i++)
        {
            var options = new RainStormOptions
            {
                Port = seed is null ? ReservedPorts.Next() : 0,
                Seeds = seed is null ? [] : [seed],
                Roles = i < nodes ? [RainStormOptions.HyDfsRole] : [],
                CmdPort = -1,
                DataDir = Path.Combine(cluster.Root, $"node-{i}"),
                ExtraHocon = "akka.loglevel = OFF\nakka.stdout-loglevel = OFF\nakka.remote.log-remote-lifecycle-events = off\n" + (Environment.GetEnvironmentVariable("HYDFS_BENCH_HOCON") ?? ""),
            };
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddAkka(options.SystemName, akka => akka.WithRainStorm(options));
            var host = builder.Build();
            await host.StartAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();
            seed ??= $"127.0.0.1:{options.Port}";
            cluster._hosts.Add(host);
            cluster.Systems.Add(system);
        }
        foreach (var system in cluster.Systems)
        {
            var up = new TaskCompletionSource();
            Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        return cluster;
    }

    /// <summary>Four hydfs nodes and a client that sees all of them, plus a local file of random megabytes.</summary>
    public static async Task<(BenchCluster Cluster, RainStorm.Actors.HyDfs.HyDfsClient Client, string Local)> StartWithBigFileAsync(int megabytes)
    {
        var cluster = await StartAsync(4);
        var client = RainStorm.Actors.HyDfs.HyDfsClient.For(cluster.Systems[^1]);
        while ((await client.ListMembersAsync()).Count < 4) await Task.Delay(100);
        var local = Path.Combine(cluster.Root, "big.bin");
        var block = new byte[1024 * 1024];
        new Random(3).NextBytes(block);
        await using (var file = File.Create(local))
            for (var i = 0; i < megabytes; i++) await file.WriteAsync(block);
        return (cluster, client, local);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (host.Services.GetRequiredService<ActorSystem>().WhenTerminated.IsCompleted) continue;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await host.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            host.Dispose();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
