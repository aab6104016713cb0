using System.Diagnostics;
using System.Text.RegularExpressions;
using RainStorm.Actors.Hosting;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>What a first-time user meets with the real binary: help on every sub-command, the version, data
/// directories that cannot be used or are taken, a node that has not joined, and ports of the wrong kind.</summary>
public sealed class NewcomerTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("rainstorm-newcomer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void AssertOneLine(RunResult result, int exit, string message)
    {
        Assert.True(exit == result.Exit, $"exit {result.Exit}, stderr: {result.Err}");
        Assert.Contains(message, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Theory]
    [InlineData("node", "usage: rainstorm node --port P")]
    [InlineData("local", "usage: rainstorm local [--nodes N]")]
    [InlineData("op", "usage: rainstorm op <Filter|Transform|AggregateByKey> <arg>")]
    public async Task Help_on_every_sub_command_prints_its_usage_and_exits_0(string command, string usage)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var result = await ProcessRun.RainstormAsync(NoHang, command, flag);
            Assert.True(result.Exit == 0, $"exit {result.Exit}: {result.Err}");
            Assert.StartsWith(usage, result.Out);
            Assert.Equal("", result.Err);
        }
        var top = await ProcessRun.RainstormAsync(NoHang, "--help");
        Assert.Equal(0, top.Exit);
        Assert.Contains(usage.Replace("usage: ", ""), top.Out);
    }

    [Fact]
    public async Task Version_prints_the_package_version()
    {
        var result = await ProcessRun.RainstormAsync(NoHang, "--version");
        Assert.Equal(0, result.Exit);
        Assert.Matches(@"^rainstorm \d+\.\d+\.\d+\n$", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_or_below_one_is_one_line_and_exit_2()
    {
        var file = Path.Combine(_root, "a-file");
        await File.WriteAllTextAsync(file, "x");

        AssertOneLine(await ProcessRun.RainstormAsync(NoHang, "node", "--port", "0", "--cmd-port", "-1", "--data", file), 2,
            $"rainstorm: --data '{file}' is a file; expected a directory");
        AssertOneLine(await ProcessRun.RainstormAsync(NoHang, "node", "--port", "0", "--cmd-port", "-1", "--data", Path.Combine(file, "below")), 2,
            $"rainstorm: --data '{Path.Combine(file, "below")}' cannot be created as a directory");
        AssertOneLine(await ProcessRun.RainstormAsync(NoHang, "local", "--data", file, "--demo"), 2, $"rainstorm: --data '{file}' is a file");
    }

    [Fact]
    public async Task A_second_node_on_a_held_data_directory_is_refused_and_local_never_deletes_it()
    {
        var options = TestNode.NewOptions(_root, seed: null);
        options.DataDir = Path.Combine(_root, "shared-run", "node-1");
        await using var holder = await TestNode.StartAsync(options);
        var marker = Path.Combine(options.DataDir, "keep.txt");
        await File.WriteAllTextAsync(marker, "still here");

        AssertOneLine(await ProcessRun.RainstormAsync(NoHang, "node", "--port", "0", "--cmd-port", "-1", "--data", options.DataDir), 2,
            $"rainstorm: the data directory {options.DataDir} is in use by another node (pid {Environment.ProcessId}); give each node its own --data.");

        var local = await ProcessRun.RainstormAsync(NoHang, "local", "--data", Path.Combine(_root, "shared-run"), "--demo");
        AssertOneLine(local, 2, "is in use by a running cluster (node-1 is held");
        Assert.Equal("still here", await File.ReadAllTextAsync(marker));
    }

    [Fact]
    public void The_default_data_directory_names_the_node_port() =>
        Assert.Equal(Path.Combine("data", "node-4100"), new RainStormOptions { Port = 4100 }.DataDir);

    [Fact]
    public async Task A_node_that_has_not_joined_says_so_at_start_and_cluster_commands_answer_not_joined()
    {
        var deadSeed = $"127.0.0.1:{FreePort.Next()}";
        using var node = StartNode("--port", "0", "--cmd-port", "0", "--seed", deadSeed, "--data", Path.Combine(_root, "lonely"));
        try
        {
            var up = await node.WaitForLineAsync(l => l.StartsWith("RainStorm node up at"));
            await node.WaitForLineAsync(l => l.StartsWith($"waiting to join {deadSeed} ..."));
            var cmd = Regex.Match(up, @"cmd (\S+?),").Groups[1].Value;

            var clock = Stopwatch.StartNew();
            var jobs = await ClientRun.RunAsync(cmd, "jobs");
            var elapsed = clock.Elapsed;

            Assert.Equal(1, jobs.Exit);
            Assert.Equal($"error: this node has not joined a cluster yet (it is waiting to join {deadSeed}); start the seed node or check its address, then try again.",
                jobs.Err.Trim());
            // Without the check the leader's 30 s ask timeout answered; the bound leaves room for a loaded machine.
            Assert.True(elapsed < TimeSpan.FromSeconds(20), $"took {elapsed}");
            Assert.Contains("not joined", (await ClientRun.RunAsync(cmd, "hydfs", "ls", "x")).Err);
            Assert.Equal(0, (await ClientRun.RunAsync(cmd, "cluster", "show")).Exit);
        }
        finally
        {
            node.Kill();
        }
    }

    [Fact]
    public async Task Ports_of_the_wrong_kind_are_named()
    {
        await using var target = await TestNode.StartAsync(TestNode.NewOptions(_root, seed: null));

        var atRemoting = await ClientRun.RunAsync(target.Address, "jobs");
        Assert.Equal(1, atRemoting.Exit);
        Assert.Contains("is not a RainStorm command port: a node's remoting port (--port) is silent like this", atRemoting.Err);

        AssertOneLine(await ProcessRun.RainstormAsync(NoHang, "node", "--port", "0", "--cmd-port", "-1", "--seed", target.CmdEndpoint,
                "--data", Path.Combine(_root, "wrong-seed")), 2,
            $"rainstorm: --seed {target.CmdEndpoint} is a RainStorm command port (--cmd-port), not a remoting port");
    }

    private static RunningNode StartNode(params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo("dotnet", [ProcessRun.Rainstorm, "node", .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        })!;
        return new RunningNode(process);
    }

    private sealed class RunningNode : IDisposable
    {
        private readonly Process _process;

        private readonly List<string> _lines = [];

        public RunningNode(Process process)
        {
            _process = process;
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                    lock (_lines) _lines.Add(line);
            });
            _ = process.StandardError.ReadToEndAsync();
        }

        /// <summary>The first line of its stdout that matches, waiting for it (generous, for a loaded machine).</summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            string? found = null;
            await Poll.AssertAsync(() =>
            {
                lock (_lines) found = _lines.FirstOrDefault(match);
                Assert.True(found is not null, $"no such line yet; so far: {string.Join(" | ", Snapshot())}");
            }, TimeSpan.FromSeconds(90));
            return found!;
        }

        private List<string> Snapshot()
        {
            lock (_lines) return [.. _lines];
        }

        public void Kill()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
    }
}
