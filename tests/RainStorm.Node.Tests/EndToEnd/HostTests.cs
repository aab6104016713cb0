using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Node.Client;
using RainStorm.Node.Tests.Commands;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>The host itself: palettes any module registers, one handler per connection, one-shot help, a host that stops.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HostTests(ClusterFixture cluster)
{
    [Fact]
    public async Task One_shot_help_lists_every_command_and_details_one_from_the_hosts_palettes()
    {
        var endpoint = cluster.Nodes[1].CmdEndpoint;

        var all = await ClientRun.RunAsync(endpoint, "help");
        Assert.Equal(0, all.Exit);
        Assert.Equal("", all.Err);
        foreach (var spec in PaletteSpecs.All) Assert.Contains(all.OutLines, l => l.Contains(spec.Usage));
        Assert.Equal(all.Out, (await ClientRun.RunAsync(endpoint, "--help")).Out);

        var ls = await ClientRun.RunAsync(endpoint, "help", "hydfs", "ls");
        Assert.Equal(0, ls.Exit);
        Assert.Equal("usage: hydfs ls <name> [-o table|json]", ls.OutLines[0]);
        Assert.Equal("example: hydfs ls signs.csv -o json", ls.OutLines[^1]);

        var none = await ClientRun.RunAsync(endpoint, "help", "nope");
        Assert.Equal(2, none.Exit);
        Assert.Equal("", none.Out);
        Assert.Equal("error: no command 'nope' (type 'help' for the list).", none.Err.Trim());
    }

    [Fact]
    public async Task A_module_palette_is_served_one_handler_runs_per_connection_and_a_stopping_node_ends_its_streams()
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-cmd-host-").FullName;
        try
        {
            var node = await TestNode.StartAsync(TestNode.NewOptions(root, seed: null));
            try
            {
                // A module registers its palette after start-up; clients connecting later see and run it.
                CommandRegistry.Get(node.System).Register(new CommandPalette("echo", "a module's own commands", [
                    new(new CommandSpec("echo lines", "print a word N times", [Arg.Positional("word", "what to print"), Arg.Positional("n", "how often", ValueKind.Count)],
                        "echo lines hi 3"), async call =>
                    {
                        for (var i = 0; i < call.Args.Count("n"); i++) await call.WriteLineAsync($"{i}:{call.Args["word"]}");
                        return 0;
                    }),
                ]));
                var echo = await ClientRun.RunAsync(node.CmdEndpoint, "echo", "lines", "hi", "3");
                Assert.Equal((0, "0:hi\n1:hi\n2:hi\n"), (echo.Exit, echo.Out.ReplaceLineEndings("\n")));
                Assert.Contains("echo lines <word> <n>", (await ClientRun.RunAsync(node.CmdEndpoint, "help")).Out);
                Assert.Contains("'x' is not a whole number", (await ClientRun.RunAsync(node.CmdEndpoint, "echo", "lines", "hi", "x")).Err);

                // Two open connections plus the one asking: three handler actors under command-host.
                await using var first = await ConnectAsync(node);
                await using var second = await ConnectAsync(node);
                var tree = (await ClientRun.RunAsync(node.CmdEndpoint, "actor", "hierarchy", "-d", "2")).OutLines;
                var handlers = tree.SkipWhile(l => l != "  command-host").Skip(1).TakeWhile(l => l.StartsWith("    ")).Count();
                Assert.Equal(3, handlers);

                // A streaming command whose node stops: the client ends with one line, not a hang.
                var output = new Transcript();
                var error = new Transcript();
                var tail = ClientCommand.RunAsync([node.CmdEndpoint, "cluster", "tail"], TextReader.Null, output.Writer, error.Writer,
                    new Interrupts(), terminal: false);
                await Poll.AssertAsync(() => Assert.Contains("1 members: ", output.Text));
                await node.StopAsync();
                var exit = await tail.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(1, exit);
                Assert.Matches("^error: .*(closed the connection|lost the connection)", error.Text.Trim());
                Assert.Single(error.Text.Trim().Split('\n'));
            }
            finally
            {
                await node.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Task<CommandClient> ConnectAsync(TestNode node)
    {
        var (host, port) = RainStorm.Actors.Hosting.RainStormOptions.ParseHostPort(node.CmdEndpoint, "endpoint");
        return CommandClient.ConnectAsync(host, port);
    }
}
