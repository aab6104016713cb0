using RainStorm.Actors.Hosting;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

[Collection(ClusterCollection.Name)]
public sealed class RainStormCommandTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData(new[] { "submit" }, "RainStorm: missing <job>")]
    [InlineData(new[] { "RainStorm" }, "RainStorm: missing <job>")]
    [InlineData(new[] { "wait" }, "wait: missing <job>")]
    [InlineData(new[] { "wait", "j1", "--timeout", "never" }, "'never' is not a number of seconds > 0")]
    [InlineData(new[] { "wait", "j1", "--follow", "--loudly" }, "unknown option '--loudly'")]
    [InlineData(new[] { "list_tasks", "j1", "j2" }, "unexpected argument 'j2'")]
    [InlineData(new[] { "list_tasks", "-o", "csv" }, "'csv' is not one of table, json")]
    [InlineData(new[] { "jobs", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "kill_task", "127.0.0.1:4053" }, "kill_task: missing <pid>")]
    [InlineData(new[] { "kill_task", "node7", "12" }, "<node> 'node7' is not host:port")]
    [InlineData(new[] { "kill_task", "127.0.0.1:4053", "-3" }, "<pid> '-3' is not a whole number")]
    [InlineData(new[] { "kill" }, "kill: missing <job>")]
    [InlineData(new[] { "kill", "j1", "j2" }, "kill: unexpected argument 'j2'")]
    [InlineData(new[] { "jobs", "-o", "xml" }, "'xml' is not one of table, json")]
    [InlineData(new[] { "jobs", "-o" }, "-o needs a value")]
    [InlineData(new[] { "wait", "j1", "--timeout", "-5" }, "'-5' is not a number of seconds > 0")]
    [InlineData(new[] { "wait", "j1", "--timeout", "NaN" }, "'NaN' is not a number of seconds > 0")]
    [InlineData(new[] { "kill_task" }, "kill_task: missing <node>")]
    [InlineData(new[] { "kill_task", "127.0.0.1:4053", "99999999999" }, "<pid> '99999999999' is not a whole number")]
    [InlineData(new[] { "kill_task", "127.0.0.1:4053", "1", "2" }, "unexpected argument '2'")]
    public async Task Job_commands_validate_their_arguments_before_asking_the_leader(string[] command, string message)
    {
        var result = await ClientRun.RunAsync(cluster.Nodes[1].CmdEndpoint, command);

        Assert.Equal(2, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Contains("Usage: ", result.Err);
    }

    [Fact]
    public async Task Job_commands_on_nodes_without_the_leader_singleton_reach_it_through_the_proxy()
    {
        var hosting = new List<bool>();
        foreach (var node in cluster.Nodes)
        {
            var tree = (await ClientRun.RunAsync(node.CmdEndpoint, "actor", "hierarchy", "-d", "2")).OutLines;
            var underManager = tree.SkipWhile(l => l != "  leader").Skip(1).TakeWhile(l => l.StartsWith("    ")).Select(l => l.Trim());
            hosting.Add(underManager.Contains("leader"));

            var jobs = await ClientRun.RunAsync(node.CmdEndpoint, "jobs", "-o", "json");
            Assert.Equal(0, jobs.Exit);
            Assert.StartsWith("[", jobs.Out);
        }
        Assert.Equal(1, hosting.Count(h => h)); // one node runs the singleton; the other two answered through their proxy
    }

    [Fact]
    public async Task Without_a_leader_every_job_command_says_the_leader_is_not_available()
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-cmd-noleader-").FullName;
        try
        {
            var options = TestNode.NewOptions(root, seed: null, roles: [RainStormOptions.WorkerRole, RainStormOptions.HyDfsRole],
                extraHocon: "rainstorm.command.ask-timeout = 1s\nrainstorm.command.leader-wait = 3s");
            await using var node = await TestNode.StartAsync(options);
            // Up first: before it has joined, a node answers every command that it has not joined (one line).
            await node.WaitForUpMembersAsync(1);
            string[][] commands =
            [
                ["jobs"], ["list_tasks"], ["wait", "j1"], ["kill", "j1"], ["kill_task", "127.0.0.1:4053", "1"],
                ["RainStorm", "1", "1", "Filter", "x", "src", "dst", "true", "false", "0", "0", "0"],
            ];
            foreach (var command in commands)
            {
                var result = await ClientRun.RunAsync(node.CmdEndpoint, command);
                Assert.Equal(1, result.Exit);
                Assert.Equal("", result.Out);
                // One line while it keeps asking (leader-wait), then the one-line error.
                var err = result.Err.Trim().Split('\n');
                Assert.True(err.Length == 2, $"{string.Join(' ', command)} printed: {result.Err}");
                Assert.StartsWith("waiting for a new leader", err[0]);
                Assert.StartsWith("error: the leader is not available (no answer within 3 s)", err[1]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
