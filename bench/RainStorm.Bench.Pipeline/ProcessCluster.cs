using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Node;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Bench.Pipeline;

/// <summary>N `rainstorm node` processes on loopback (all roles) plus an in-process client node without roles that
/// uploads and submits. Every process started here is killed on dispose.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private IHost? _client;

    public ActorSystem Client => _client!.Services.GetRequiredService<ActorSystem>();
    public IReadOnlyList<Process> NodeProcesses => _processes;
    public IActorRef Leader => ActorRegistry.For(Client).Get<JobCommands.LeaderProxyKey>();
    public HyDfsClient HyDfs => HyDfsClient.For(Client);

    /// <summary>The nodes' HTTP endpoints (empty when started without).</summary>
    public List<Uri> HttpEndpoints { get; } = [];

    /// <param name="http">Give every node its HTTP endpoint (dashboard, API, /metrics) on a free port; otherwise none.</param>
    /// <param name="operatorDir">The nodes' user operator directory (default: operators/ under their working directory).</param>
    /// <param name="extraHocon">Settings layered over the nodes' defaults.</param>
    public static async Task<ProcessCluster> StartAsync(int nodes, string dataRoot, bool http = false, string? operatorDir = null, string extraHocon = "")
    {
        var cluster = new ProcessCluster();
        try
        {
            var ports = ReservedPorts.Next(nodes + 1);
            var dll = Path.Combine(AppContext.BaseDirectory, "rainstorm.dll");
            var seed = $"127.0.0.1:{ports[0]}";
            for (var i = 0; i < nodes; i++)
            {
                var info = new ProcessStartInfo("dotnet")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var arg in new[] { dll, "node", "--port", $"{ports[i]}", "--seed", seed, "--cmd-port", "-1", "--http-port", http ? "0" : "-1", "--data", Path.Combine(dataRoot, $"node-{i + 1}") })
                    info.ArgumentList.Add(arg);
                if (operatorDir is not null)
                {
                    info.ArgumentList.Add("--operators");
                    info.ArgumentList.Add(operatorDir);
                }
                info.Environment["RAINSTORM_ExtraHocon"] = "rainstorm.log.console-level = OFF\n" + extraHocon;
                var process = Process.Start(info)!;
                cluster._processes.Add(process);
                var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data?.Contains("RainStorm node up at") != true) return;
                    var at = e.Data.IndexOf(", http http", StringComparison.Ordinal);
                    if (at >= 0) lock (cluster.HttpEndpoints) cluster.HttpEndpoints.Add(new Uri(e.Data[(at + ", http ".Length)..].Split(',', ' ')[0]));
                    up.TrySetResult();
                };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            cluster._client = NodeHost.Build(new RainStormOptions
            {
                Port = ports[nodes],
                Seeds = [seed],
                Roles = [],
                CmdPort = -1,
                HttpPort = -1,
                DataDir = Path.Combine(dataRoot, "client"),
                ExtraHocon = "rainstorm.log.console-level = OFF",
            });
            await cluster._client.StartAsync();
            await cluster.WaitReadyAsync(nodes, TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task WaitReadyAsync(int nodes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var up = Cluster.Get(Client).State.Members.Count(m => m.Status == MemberStatus.Up);
                var workers = await Leader.Ask<WorkerList>(new ListWorkers(), TimeSpan.FromSeconds(2));
                var ring = await HyDfs.ListMembersAsync();
                if (up == nodes + 1 && workers.Nodes.Count == nodes && ring.Count == nodes) return;
            }
            catch (AskTimeoutException)
            {
                // The singleton is not there yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{nodes} node processes did not form a cluster within {timeout.TotalSeconds:0} s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            RainStorm.Actors.NodeLog.NodeLogger.MuteConsole();
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _client.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Leaving is best effort; the processes are killed anyway.
            }
            _client.Dispose();
        }
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
            {
                // Already gone.
            }
            process.Dispose();
        }
    }
}
