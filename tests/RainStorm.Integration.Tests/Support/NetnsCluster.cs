using System.Security.Cryptography;
using System.Text.Json;
using RainStorm.Node;
using RainStorm.Node.Client;
using Xunit.Abstractions;

namespace RainStorm.Integration.Tests.Support;

/// <summary>What one command-line client invocation printed and returned.</summary>
public sealed record CommandResult(int Exit, string Out, string Err);

/// <summary>
/// Real <c>rainstorm node</c> processes, each in its own network namespace of a <see cref="NetnsNetwork"/>: remoting
/// binds to 0.0.0.0 and advertises the namespace's address (<c>--bind-host</c> / <c>--host</c>, as on a real host), the
/// command endpoint listens on that non-loopback address with a token. The test talks to nodes only through the
/// command-line client (nothing of the test joins the cluster, so a partition splits the nodes and nothing else).
/// Every process is killed by PID and the network removed on dispose, whatever happened.
/// </summary>
public sealed class NetnsCluster : IAsyncDisposable
{
    // Each node has a namespace of its own: these ports cannot collide with anything else on the machine.
    public const int RemotingPort = 4053;
    public const int CommandPort = 9110;
    private const string Roles = "leader,worker,hydfs";
    private const string Quiet = "rainstorm.log.console-level = WARNING";

    private readonly string _root;
    private readonly ITestOutputHelper _output;

    private NetnsCluster(NetnsNetwork network, string root, ITestOutputHelper output, int nodes)
    {
        Network = network;
        _root = root;
        _output = output;
        Nodes = new NodeProcess?[nodes];
        Retired = [];
    }

    public NetnsNetwork Network { get; }
    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public NodeProcess?[] Nodes { get; }

    /// <summary>Processes that exited (downed) or were replaced; their output is kept for the report.</summary>
    public List<(int Index, NodeProcess Process)> Retired { get; }

    public string Address(int node) => $"{Network.AddressOf(node)}:{RemotingPort}";
    public string LogOf(int node) => Path.Combine(_root, $"n{node}", "logs", "node.log");
    public string Scratch => Path.Combine(_root, "client");

    /// <summary>Node 0 starts first (the oldest, so it hosts the leader), the others join it.</summary>
    public static async Task<NetnsCluster> StartAsync(int nodes, ITestOutputHelper output)
    {
        var network = NetnsNetwork.Create(nodes);
        var root = Path.Combine(Path.GetTempPath(), "rainstorm-netns-" + Guid.NewGuid().ToString("N")[..10]);
        var cluster = new NetnsCluster(network, root, output, nodes);
        try
        {
            Directory.CreateDirectory(cluster.Scratch);
            await cluster.StartNodeAsync(0, Enumerable.Range(0, nodes).Select(cluster.Address));
            await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(i => cluster.StartNodeAsync(i, [cluster.Address(0)])));
            await cluster.WaitForReadyAsync(TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts node <paramref name="index"/> in its namespace on its data directory (again, after it exited: a
    /// new incarnation at the same address), joining through <paramref name="seeds"/>.</summary>
    public async Task<NodeProcess> StartNodeAsync(int index, IEnumerable<string> seeds)
    {
        if (Nodes[index] is { } old) Retired.Add((index, old));
        List<string> args =
        [
            "--host", Network.AddressOf(index), "--bind-host", "0.0.0.0", "--port", RemotingPort.ToString(),
            "--cmd-host", Network.AddressOf(index), "--cmd-port", CommandPort.ToString(), "--token", Token,
            "--roles", Roles, "--data", Path.Combine(_root, $"n{index}"),
        ];
        foreach (var seed in seeds) args.AddRange(["--seed", seed]);
        var node = await NodeProcess.StartAsync(Network.Launcher(index), args, Quiet);
        Nodes[index] = node;
        return node;
    }

    /// <summary>Runs one command through the real client against node <paramref name="node"/>'s command endpoint. The
    /// client gives up connecting after 2 s; on a loaded machine that can happen to a live node, so a connection that
    /// was not made (the command was never sent) is tried again, a few times.</summary>
    public async Task<CommandResult> RunAsync(int node, params string[] command)
    {
        for (var attempt = 1; ; attempt++)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await ClientCommand.RunAsync(["--token", Token, $"{Network.AddressOf(node)}:{CommandPort}", .. command],
                TextReader.Null, output, error, new Interrupts(), terminal: false).WaitAsync(TimeSpan.FromMinutes(3));
            var result = new CommandResult(exit, output.ToString(), error.ToString());
            if (attempt == 3 || exit == 0 || !result.Err.StartsWith("error: cannot reach", StringComparison.Ordinal)) return result;
        }
    }

    /// <summary><see cref="RunAsync"/> that must succeed: a failure fails the test with the client's error line.</summary>
    public async Task<string> RunOkAsync(int node, params string[] command)
    {
        var result = await RunAsync(node, command);
        Assert.True(result.Exit == 0, $"'{string.Join(' ', command)}' on node {node} exited {result.Exit}: {result.Err.Trim()}");
        return result.Out;
    }

    /// <summary>The members node <paramref name="node"/> sees: address → status (Up, Unreachable, Leaving, ...).</summary>
    public async Task<IReadOnlyDictionary<string, string>?> MembersAsync(int node)
    {
        var result = await RunAsync(node, "cluster", "show", "-o", "json");
        if (result.Exit != 0) return null;
        using var json = JsonDocument.Parse(result.Out);
        return json.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    /// <summary>Until every node sees every node Up and in its HyDFS ring.</summary>
    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            await WaitForUpAsync(i, Nodes.Length, timeout);
            var node = i;
            await Poll.UntilAsync(async () =>
            {
                var ring = await RunAsync(node, "hydfs", "list_mem_ids", "-o", "json");
                if (ring.Exit != 0) return false;
                using var json = JsonDocument.Parse(ring.Out);
                return json.RootElement.GetArrayLength() == Nodes.Length;
            }, timeout, $"node {node}'s HyDFS ring to hold {Nodes.Length} nodes", 500);
        }
    }

    public Task WaitForUpAsync(int viaNode, int count, TimeSpan timeout) => Poll.UntilAsync(async () =>
        (await MembersAsync(viaNode))?.Values.Count(s => s == "Up") == count, timeout, $"{count} members Up as node {viaNode} sees them", 500);

    /// <summary>The job's status and output count as node <paramref name="node"/>'s leader proxy reports it (null while no leader answers).</summary>
    public async Task<(string Status, long Out)?> JobAsync(int node, string jobId)
    {
        var result = await RunAsync(node, "jobs", "-o", "json");
        if (result.Exit != 0) return null;
        using var json = JsonDocument.Parse(result.Out);
        var job = json.RootElement.EnumerateArray().FirstOrDefault(j => j.GetProperty("id").GetString() == jobId);
        return job.ValueKind == JsonValueKind.Undefined ? null : (job.GetProperty("status").GetString()!, long.Parse(job.GetProperty("out").ToString()));
    }

    /// <summary>Times (UTC, from node <paramref name="node"/>'s log, every incarnation) of the lines containing <paramref name="text"/>.</summary>
    public IReadOnlyList<DateTime> LogTimes(int node, string text) => LogLines(node)
        .Where(l => l.Contains(text, StringComparison.Ordinal))
        .Select(l => DateTime.Parse(l.Split(' ')[0], null, System.Globalization.DateTimeStyles.AdjustToUniversal)).ToList();

    public IReadOnlyList<string> LogLines(int node)
    {
        var log = LogOf(node);
        if (!File.Exists(log)) return [];
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (index, process) in Retired.Concat(Nodes.Select((p, i) => (i, p)).Where(n => n.p is not null).Select(n => (n.i, n.p!))))
        {
            process.Dispose();
            _output.WriteLine($"--- node {index} (pid {process.Pid}) console ---\n{string.Join('\n', process.Output.Split('\n').TakeLast(15))}");
        }
        for (var i = 0; i < Nodes.Length; i++)
        {
            var interesting = LogLines(i).Where(l => l.Contains("Leader started", StringComparison.Ordinal) || l.Contains("SBR", StringComparison.Ordinal)
                || l.Contains("Unreachable", StringComparison.OrdinalIgnoreCase) || l.Contains("ERROR", StringComparison.Ordinal)
                || l.Contains("downed", StringComparison.OrdinalIgnoreCase) || l.Contains("recover", StringComparison.OrdinalIgnoreCase)
                || l.Contains("Job ", StringComparison.Ordinal)).TakeLast(40);
            _output.WriteLine($"--- node {i} log ---\n{string.Join('\n', interesting)}");
        }
        Network.Dispose();
        await Task.CompletedTask;
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
