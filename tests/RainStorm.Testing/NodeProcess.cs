using System.Diagnostics;
using System.Text;

namespace RainStorm.Testing;

/// <summary>A real <c>rainstorm node</c> process (dotnet rainstorm.dll node ...), killed by PID when disposed.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
    }

    public int Pid { get; }
    public string Address { get; private set; } = "";
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="extraHocon">Layered over the node's configuration (through RAINSTORM_EXTRAHOCON).</param>
    /// <summary>The node's dashboard/API base URL (null when it was started without HTTP).</summary>
    public Uri? Http { get; private set; }

    /// <param name="httpPort">-1 = no HTTP endpoint, 0 = a free port (see <see cref="Http"/>).</param>
    /// <param name="operatorDir">The node's user-operator directory (null = its default, ./operators).</param>
    public static Task<NodeProcess> StartAsync(int port, string? seed, string dataDir, string roles = "hydfs", string? extraHocon = null,
        int httpPort = -1, string? operatorDir = null)
    {
        List<string> args = ["--host", "127.0.0.1", "--port", port.ToString(), "--roles", roles, "--cmd-port", "-1", "--http-port", httpPort.ToString(), "--data", dataDir];
        if (seed is not null) args.AddRange(["--seed", seed]);
        if (operatorDir is not null) args.AddRange(["--operators", operatorDir]);
        return StartAsync([], args, extraHocon);
    }

    /// <summary>Starts <c>rainstorm node</c> with <paramref name="nodeArgs"/>, run through <paramref name="launcher"/> when
    /// one is given (e.g. <c>ip netns exec ns</c>, which execs the node: the PID is the node's), and waits until it is up.</summary>
    public static async Task<NodeProcess> StartAsync(IReadOnlyList<string> launcher, IReadOnlyList<string> nodeArgs, string? extraHocon)
    {
        var info = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (extraHocon is not null) info.Environment["RAINSTORM_EXTRAHOCON"] = extraHocon;
        foreach (var arg in launcher.Skip(1).Concat(launcher.Count > 0 ? ["dotnet"] : []).Append(RainstormDll()).Append("node").Concat(nodeArgs))
            info.ArgumentList.Add(arg);
        var node = new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start"));
        node._process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            node.Address = await node._up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            node.Dispose();
            throw new InvalidOperationException($"node {string.Join(' ', nodeArgs)} did not come up:\n{node.Output}");
        }
        return node;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process ended by itself (a downed node exits with 3).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public DateTime ExitTime => _process.ExitTime.ToUniversalTime();

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string marker = "RainStorm node up at ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return;
        var http = line.IndexOf(", http http", StringComparison.Ordinal);
        if (http >= 0) Http = new Uri(line[(http + ", http ".Length)..].Split(',', ' ')[0]);
        _up.TrySetResult(line[(at + marker.Length)..].Split(' ')[0]);
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }


    /// <summary>The rainstorm.dll built from src/RainStorm.Node (next to the tests, or in its own bin folder).</summary>
    public static string RainstormDll()
    {
        var here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, "rainstorm.runtimeconfig.json"))) return Path.Combine(here, "rainstorm.dll");
        var dir = new DirectoryInfo(here);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RainStorm.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("cannot find RainStorm.sln above " + here);
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var candidate = Path.Combine(dir.FullName, "src", "RainStorm.Node", "bin", configuration, "net10.0", "rainstorm.dll");
        return File.Exists(candidate) ? candidate : throw new InvalidOperationException($"rainstorm.dll not built at {candidate}");
    }
}
