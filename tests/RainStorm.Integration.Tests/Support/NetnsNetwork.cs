using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RainStorm.Integration.Tests.Support;

/// <summary>
/// A private network made of Linux network namespaces: one namespace per node, each with one end of a veth pair
/// (address 10.213.S.(i+1)/24) whose other end is a port of a bridge this harness creates. The test process reaches
/// the nodes through the bridge's own address 10.213.S.254; no other host interface is touched. A partition moves the
/// host ends of some veths to a second, isolated bridge: those nodes still reach each other but nothing else, and
/// packets between the sides are dropped silently, as on a real network split (no reset, no carrier change).
/// Everything is named with the prefix <c>rsn</c> and removed on dispose; leftovers of a run whose process died are
/// removed at the next start. Requires root and iproute2 (<c>ip</c>).
/// </summary>
public sealed partial class NetnsNetwork : IDisposable
{
    private const string OwnerTag = "rainstorm-test-pid=";
    private readonly int _nodes;
    private bool _disposed;

    private NetnsNetwork(int subnet, int nodes)
    {
        Subnet = subnet;
        _nodes = nodes;
    }

    public int Subnet { get; }
    public string HostAddress => $"10.213.{Subnet}.254";
    public string AddressOf(int node) => $"10.213.{Subnet}.{node + 1}";
    public string NamespaceOf(int node) => $"rsn-{Subnet}-{node}";

    /// <summary>Runs a process inside the node's namespace (<c>ip netns exec</c> execs it: the PID is the process's).</summary>
    public IReadOnlyList<string> Launcher(int node) => ["ip", "netns", "exec", NamespaceOf(node)];

    private string Bridge => $"rsnb{Subnet}";
    private string IsolatedBridge => $"rsni{Subnet}";
    private string HostEnd(int node) => $"rsnh{Subnet}x{node}";
    private string NodeEnd(int node) => $"rsnn{Subnet}x{node}";

    public static NetnsNetwork Create(int nodes)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip"))
            throw new InvalidOperationException("the network partition tests need Linux, root and iproute2's 'ip' to create network namespaces, and this environment lacks them.");
        RemoveLeftovers();
        var network = ClaimSubnet(nodes);
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Cuts <paramref name="nodes"/> off from the others and from the test (they still reach each other).</summary>
    public void Isolate(IEnumerable<int> nodes)
    {
        foreach (var node in nodes) Ip("link", "set", HostEnd(node), "master", IsolatedBridge);
    }

    /// <summary>Joins every node to the main bridge again.</summary>
    public void Heal()
    {
        for (var node = 0; node < _nodes; node++) Ip("link", "set", HostEnd(node), "master", Bridge);
    }

    private static NetnsNetwork ClaimSubnet(int nodes)
    {
        for (var subnet = 1; subnet <= 250; subnet++)
        {
            var network = new NetnsNetwork(subnet, nodes);
            // Creating the bridge is atomic: the first process to create it owns the subnet.
            if (TryIp("link", "add", network.Bridge, "type", "bridge"))
            {
                Ip("link", "set", network.Bridge, "alias", OwnerTag + Environment.ProcessId);
                return network;
            }
        }
        throw new InvalidOperationException("no free 10.213.S.0/24 subnet for a test network (250 in use).");
    }

    private void Build()
    {
        Ip("link", "add", IsolatedBridge, "type", "bridge");
        Ip("link", "set", IsolatedBridge, "alias", OwnerTag + Environment.ProcessId);
        Ip("addr", "add", $"{HostAddress}/24", "dev", Bridge);
        Ip("link", "set", Bridge, "up");
        Ip("link", "set", IsolatedBridge, "up");
        for (var node = 0; node < _nodes; node++)
        {
            var ns = NamespaceOf(node);
            Ip("netns", "add", ns);
            Ip("link", "add", HostEnd(node), "type", "veth", "peer", "name", NodeEnd(node));
            Ip("link", "set", NodeEnd(node), "netns", ns);
            Ip("link", "set", HostEnd(node), "master", Bridge);
            Ip("link", "set", HostEnd(node), "up");
            Ip("-n", ns, "addr", "add", $"{AddressOf(node)}/24", "dev", NodeEnd(node));
            Ip("-n", ns, "link", "set", NodeEnd(node), "up");
            Ip("-n", ns, "link", "set", "lo", "up");
        }
    }

    /// <summary>Kills what still runs in this network's namespaces (node processes this test started) and removes
    /// the namespaces (with their veths) and the bridges.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Remove(Subnet);
    }

    private static void Remove(int subnet)
    {
        // Deleting a host end deletes its pair at once; a namespace's own links are freed later by the kernel, which
        // would leave the names taken for the next network on this subnet.
        foreach (Match veth in VethLine().Matches(Output("ip", "-o", "link", "show", "type", "veth")))
            if (int.Parse(veth.Groups["subnet"].Value) == subnet) TryIp("link", "delete", veth.Groups["name"].Value);
        foreach (var ns in Namespaces().Where(n => n.StartsWith($"rsn-{subnet}-", StringComparison.Ordinal)))
        {
            foreach (var pid in Output("ip", "netns", "pids", ns).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                KillPid(int.Parse(pid.Trim()));
            TryIp("netns", "delete", ns);
        }
        TryIp("link", "delete", $"rsnb{subnet}");
        TryIp("link", "delete", $"rsni{subnet}");
    }

    /// <summary>Networks whose owning test process is gone (it crashed before its dispose ran).</summary>
    private static void RemoveLeftovers()
    {
        var owned = new HashSet<int>();
        foreach (Match m in BridgeLine().Matches(Output("ip", "-o", "link", "show", "type", "bridge")))
        {
            var subnet = int.Parse(m.Groups["subnet"].Value);
            var owner = m.Groups["pid"].Success ? int.Parse(m.Groups["pid"].Value) : -1;
            if (owner > 0 && Directory.Exists($"/proc/{owner}")) owned.Add(subnet);
        }
        var leftovers = Namespaces().Select(n => NamespaceName().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups["subnet"].Value))
            .Concat(BridgeLine().Matches(Output("ip", "-o", "link", "show", "type", "bridge")).Select(m => int.Parse(m.Groups["subnet"].Value)))
            .Concat(VethLine().Matches(Output("ip", "-o", "link", "show", "type", "veth")).Select(m => int.Parse(m.Groups["subnet"].Value)))
            .Where(s => !owned.Contains(s)).Distinct();
        foreach (var subnet in leftovers) Remove(subnet);
    }

    private static IEnumerable<string> Namespaces() =>
        Output("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]);

    private static void KillPid(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Ip(params string[] args)
    {
        var (exit, _, error) = Run("ip", args);
        if (exit != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {error.Trim()}");
    }

    private static bool TryIp(params string[] args) => Run("ip", args).Exit == 0;

    private static string Output(string file, params string[] args) => Run(file, args).Out;

    private static RunResult Run(string file, IEnumerable<string> args) => ProcessRun.Run(TimeSpan.FromSeconds(30), file, args);

    [GeneratedRegex(@"^\d+: rsn[bi](?<subnet>\d+)[:@][^\n]*?(alias rainstorm-test-pid=(?<pid>\d+))?$", RegexOptions.Multiline)]
    private static partial Regex BridgeLine();

    [GeneratedRegex(@"^\d+: (?<name>rsnh(?<subnet>\d+)x\d+)@", RegexOptions.Multiline)]
    private static partial Regex VethLine();

    [GeneratedRegex(@"^rsn-(?<subnet>\d+)-\d+$")]
    private static partial Regex NamespaceName();
}
