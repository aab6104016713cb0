using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Protocol;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Testing;

/// <summary>
/// A cluster of real <c>rainstorm node</c> processes on 127.0.0.1 (free ports, all roles, the first one the seed and
/// so the leader) plus an in-process client node without roles that submits jobs through the leader proxy and reads
/// HyDFS. Every process is killed by PID on dispose, whatever happened, and the data directory is deleted.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly ITestOutputHelper _output;
    private TestNode? _client;

    public const string AllRoles = "leader,worker,hydfs";

    // The node log file keeps everything; the console (a pipe this process drains) only warnings, so a busy test
    // process can never block a node on a full pipe.
    private const string Quiet = "rainstorm.log.console-level = WARNING";

    private readonly string _roles;

    private ProcessCluster(string root, ITestOutputHelper output, string roles)
    {
        _root = root;
        _output = output;
        _roles = roles;
    }

    public List<NodeProcess> Nodes { get; } = [];
    public ActorSystem Client => _client!.System;
    public IActorRef Leader => ActorRegistry.For(Client).Get<JobCommands.LeaderProxyKey>();
    public HyDfsClient HyDfs => HyDfsClient.For(Client);

    /// <summary>The nodes' user-operator directory when started with <c>withOperators</c> (its executables run as operators).</summary>
    public string OperatorDir => Path.Combine(_root, "operators");

    /// <param name="clientCmdPort">Gives the in-process client node a command endpoint (for CLI runs) on this port.</param>
    /// <param name="clientHocon">Layered over the client node's configuration.</param>
    /// <param name="http">Give every node an HTTP endpoint on a free port (<see cref="NodeProcess.Http"/>).</param>
    /// <param name="nodeHocon">Extra HOCON for node i (null = none), layered with the quiet console.</param>
    /// <param name="withOperators">Give the nodes one user-operator directory, <see cref="OperatorDir"/>.</param>
    /// <param name="roles">Every node's roles; without the worker role nothing waits for the leader's worker registry.</param>
    /// <param name="tolerant">Layer <see cref="TestNode.TolerantFailureDetector"/> on every node and the client, for
    /// tests that kill no node.</param>
    public static async Task<ProcessCluster> StartAsync(int nodes, ITestOutputHelper output, int clientCmdPort = -1, string? clientHocon = null,
        bool http = false, Func<int, string?>? nodeHocon = null, bool withOperators = false, string roles = AllRoles, bool tolerant = false)
    {
        var cluster = new ProcessCluster(Directory.CreateTempSubdirectory("rainstorm-proc-").FullName, output, roles);
        var httpPort = http ? 0 : -1;
        var detector = tolerant ? TestNode.TolerantFailureDetector : "";
        string Hocon(int i) => string.Join('\n', Quiet, detector, nodeHocon?.Invoke(i) ?? "");
        clientHocon = string.Join('\n', detector, clientHocon ?? "");
        try
        {
            var operators = withOperators ? Directory.CreateDirectory(cluster.OperatorDir).FullName : null;
            cluster.Nodes.Add(await NodeProcess.StartAsync(FreePort.Next(), null, Path.Combine(cluster._root, "n0"), roles, Hocon(0), httpPort, operators));
            var seed = cluster.Nodes[0].Address;
            // The client needs only the seed: it joins while the other nodes start.
            var others = Enumerable.Range(1, nodes - 1)
                .Select(i => NodeProcess.StartAsync(0, seed, Path.Combine(cluster._root, $"n{i}"), roles, Hocon(i), httpPort, operators)).ToList();
            try
            {
                await Task.WhenAll([.. others, cluster.StartClientAsync(clientCmdPort, clientHocon)]);
            }
            finally
            {
                // Whatever failed, every process that did start is the cluster's now, so disposing it kills them.
                await Task.WhenAll(others.Select(n => n.ContinueWith(_ => { })));
                cluster.Nodes.AddRange(others.Where(n => n.IsCompletedSuccessfully).Select(n => n.Result));
            }
            if (roles.Contains("worker")) await cluster.WaitForWorkersAsync(nodes, TimeSpan.FromSeconds(60));
            // The client joined while the nodes started: its HyDFS ring must hold them all before a test creates a
            // file, or a create can go to a node that is not the file's primary once the ring is complete.
            if (roles.Contains("hydfs"))
                await Poll.UntilAsync(async () => (await cluster.HyDfs.ListMembersAsync()).Count >= nodes, TimeSpan.FromSeconds(60),
                    $"the client's HyDFS ring holding all {nodes} nodes", 200);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartClientAsync(int cmdPort, string? hocon) =>
        _client = await TestNode.StartClientAsync(Nodes[0].Address, Path.Combine(_root, "client"), cmdPort, hocon);

    /// <summary>Until the leader knows <paramref name="count"/> workers.</summary>
    public Task WaitForWorkersAsync(int count, TimeSpan timeout) => Poll.UntilAsync(async () =>
    {
        try
        {
            return (await Leader.Ask<WorkerList>(new ListWorkers(), TimeSpan.FromSeconds(5))).Nodes.Count >= count;
        }
        catch (AskTimeoutException)
        {
            return false; // the singleton is still starting
        }
    }, timeout, $"{count} workers registered with the leader", 200);

    public NodeProcess NodeAt(string address) => Nodes.Single(n => n.Address == address);

    /// <summary>Starts a killed node again on its data directory (on a new port: a new incarnation), seeded by the first node.</summary>
    public async Task<NodeProcess> RestartAsync(NodeProcess node)
    {
        var index = Nodes.IndexOf(node);
        node.Dispose();
        var again = await NodeProcess.StartAsync(0, Nodes[0].Address, Path.Combine(_root, $"n{index}"), _roles, Quiet);
        Nodes[index] = again;
        return again;
    }

    /// <summary>A scratch directory of this cluster's (deleted with it).</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(_root, "scratch", name)).FullName;

    public async ValueTask DisposeAsync()
    {
        // The client leaves while the nodes still run: once they are killed it could only wait until it downs itself.
        if (_client is not null) await _client.DisposeAsync();
        var logged = new List<string>();
        foreach (var node in Nodes)
        {
            node.Dispose();
            var log = Path.Combine(_root, $"n{Nodes.IndexOf(node)}", "logs", "node.log");
            var text = File.Exists(log) ? await File.ReadAllTextAsync(log) : node.Output;
            logged.AddRange(text.Split('\n'));
            var interesting = text.Split('\n').Where(l => l.Contains("restart", StringComparison.OrdinalIgnoreCase)
                || l.Contains("recover", StringComparison.OrdinalIgnoreCase) || l.Contains("failure detected", StringComparison.OrdinalIgnoreCase)
                || l.Contains("attach", StringComparison.OrdinalIgnoreCase) || l.Contains("Leader started", StringComparison.Ordinal)
                || l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("WARN", StringComparison.Ordinal)
                || l.Contains("Job ", StringComparison.Ordinal) || l.Contains("completed:", StringComparison.Ordinal))
                .Where(l => !l.Contains("Disassociated", StringComparison.Ordinal) && !l.Contains("uarantine", StringComparison.Ordinal)).TakeLast(80);
            _output.WriteLine($"--- node {node.Address} (pid {node.Pid}) ---\n{string.Join('\n', interesting)}");
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        SerializationFailures.ThrowIfAny(logged);
    }
}
