using System.Text.Json;
using Akka.Cluster;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

[Collection(ClusterCollection.Name)]
public sealed class ClusterCommandTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Cluster_show_lists_every_member_then_the_count()
    {
        var result = await ClientRun.RunAsync(cluster.Nodes[1].CmdEndpoint, "cluster", "show");

        Assert.Equal(0, result.Exit);
        Assert.Equal("", result.Err);
        Assert.Equal(["ADDRESS", "ROLES", "STATUS"], result.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var node in cluster.Nodes)
            Assert.Contains(result.OutLines, l => l.StartsWith(node.Address) && l.Contains("hydfs,leader,worker") && l.TrimEnd().EndsWith("Up"));
        Assert.Equal("3 members", result.OutLines[^1]);
    }

    [Fact]
    public async Task Cluster_show_as_json_has_lower_case_keys_and_role_arrays()
    {
        var result = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "cluster", "show", "-o", "json");

        Assert.Equal(0, result.Exit);
        using var doc = JsonDocument.Parse(result.Out);
        var members = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(cluster.Nodes.Select(n => n.Address).Order(), members.Select(m => m.GetProperty("address").GetString()).Order());
        Assert.All(members, m =>
        {
            Assert.Equal(["address", "roles", "status"], m.EnumerateObject().Select(p => p.Name));
            Assert.Equal("Up", m.GetProperty("status").GetString());
            Assert.Contains("worker", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        });
    }

    [Fact]
    public async Task Leave_and_down_remove_the_named_member()
    {
        await using var leaver = await TestNode.StartAsync(TestNode.NewOptions(cluster.DataRoot, cluster.First.Address));
        await using var downed = await TestNode.StartAsync(TestNode.NewOptions(cluster.DataRoot, cluster.First.Address));
        await cluster.First.WaitForUpMembersAsync(5);

        var left = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "cluster", "leave", leaver.Address);
        Assert.Equal(0, left.Exit);
        Assert.Equal($"{leaver.Address} is leaving the cluster", left.Out.Trim());
        var down = await ClientRun.RunAsync(cluster.Nodes[2].CmdEndpoint, "cluster", "down", downed.Address);
        Assert.Equal(0, down.Exit);
        Assert.Equal($"{downed.Address} is marked down", down.Out.Trim());

        await Poll.AssertAsync(() =>
        {
            var addresses = Cluster.Get(cluster.First.System).State.Members.Select(m => $"{m.Address.Host}:{m.Address.Port}").ToList();
            Assert.DoesNotContain(leaver.Address, addresses);
            Assert.DoesNotContain(downed.Address, addresses);
        }, TimeSpan.FromSeconds(40));
        await Poll.AssertAsync(async () =>
            Assert.Equal("3 members", (await ClientRun.RunAsync(cluster.First.CmdEndpoint, "cluster", "show")).OutLines[^1]));
    }

    [Theory]
    [InlineData("leave", "127.0.0.1:1", 1, "no cluster member at 127.0.0.1:1")]
    [InlineData("down", "127.0.0.1:1", 1, "no cluster member at 127.0.0.1:1")]
    [InlineData("leave", "nowhere", 2, "<address> 'nowhere' is not host:port")]
    public async Task Leave_and_down_of_an_unknown_or_malformed_address_fail_clearly(string verb, string address, int exit, string message)
    {
        var result = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "cluster", verb, address);

        Assert.Equal(exit, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.Equal(3, Cluster.Get(cluster.First.System).State.Members.Count);
    }

    [Fact]
    public async Task Actor_hierarchy_shows_this_nodes_tree_to_the_requested_depth()
    {
        var deep = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "actor", "hierarchy");
        Assert.Equal(0, deep.Exit);
        Assert.Contains("/user", deep.OutLines);
        Assert.Contains("/system", deep.OutLines);
        Assert.Contains("  command-host", deep.OutLines);
        Assert.Contains(deep.OutLines, l => l.StartsWith("    ") && l.Trim().Length > 0); // grandchildren at depth 3

        var shallow = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "actor", "hierarchy", "-d", "0");
        Assert.Equal(["/user", "/system"], shallow.OutLines);

        var bad = await ClientRun.RunAsync(cluster.First.CmdEndpoint, "actor", "hierarchy", "-d", "deep");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("'deep' is not a whole number", bad.Err);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "cluster" }, "cluster: missing sub-command")]
    [InlineData(new[] { "actor", "tree" }, "actor: unknown sub-command 'tree'")]
    [InlineData(new[] { "cluster", "show", "-o", "yaml" }, "'yaml' is not one of table, json")]
    [InlineData(new[] { "cluster", "leave" }, "cluster leave: missing <address>")]
    [InlineData(new[] { "cluster", "down" }, "cluster down: missing <address>")]
    [InlineData(new[] { "cluster", "down", "nowhere" }, "cluster down: <address> 'nowhere' is not host:port")]
    [InlineData(new[] { "cluster", "down", "127.0.0.1:1", "127.0.0.1:2" }, "unexpected argument '127.0.0.1:2'")]
    [InlineData(new[] { "cluster", "show", "members" }, "cluster show: unexpected argument 'members'")]
    [InlineData(new[] { "cluster", "tail", "--since", "1" }, "cluster tail: unknown option '--since'")]
    [InlineData(new[] { "actor", "hierarchy", "-d" }, "actor hierarchy: -d needs a value")]
    [InlineData(new[] { "actor", "hierarchy", "-d", "-1" }, "'-1' is not a whole number")]
    [InlineData(new[] { "actor", "hierarchy", "/user" }, "unexpected argument '/user'")]
    [InlineData(new[] { "actor" }, "actor: missing sub-command; expected one of hierarchy")]
    [InlineData(new[] { "" }, "unknown command ''")]
    public async Task Unknown_commands_and_bad_arguments_exit_2_with_one_line_on_stderr(string[] command, string message)
    {
        var result = await ClientRun.RunAsync(cluster.Nodes[2].CmdEndpoint, command);

        Assert.Equal(2, result.Exit);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains(message, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
    }
}
