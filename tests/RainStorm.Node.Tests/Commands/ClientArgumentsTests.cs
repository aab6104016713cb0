using System.Net;
using RainStorm.Node.Client;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.Commands;

/// <summary>Where the client and the node's endpoint go when nothing says otherwise, and how the first argument is read.</summary>
public sealed class ClientArgumentsTests
{
    [Theory]
    [InlineData(new[] { "jobs" }, "127.0.0.1:9110", new[] { "jobs" })]
    [InlineData(new string[0], "127.0.0.1:9110", new string[0])]
    [InlineData(new[] { "127.0.0.1:9111" }, "127.0.0.1:9111", new string[0])]
    [InlineData(new[] { "node7:9110", "cluster", "show" }, "node7:9110", new[] { "cluster", "show" })]
    [InlineData(new[] { "foo:bar", "jobs" }, "foo:bar", new[] { "jobs" })]
    [InlineData(new[] { "10.0.0.5", "jobs" }, "10.0.0.5", new[] { "jobs" })]
    [InlineData(new[] { "kill_task", "127.0.0.1:4054", "7" }, "127.0.0.1:9110", new[] { "kill_task", "127.0.0.1:4054", "7" })]
    public void The_first_argument_is_the_endpoint_only_when_it_looks_like_one(string[] args, string endpoint, string[] command)
    {
        var split = ClientCommand.SplitEndpoint(args);
        Assert.Equal(endpoint, split.Endpoint);
        Assert.Equal(command, split.Command);
    }

    [Fact]
    public void No_command_word_is_mistaken_for_an_endpoint()
    {
        foreach (var word in PaletteSpecs.All.SelectMany(s => s.Names).Select(n => n.Split(' ')[0]).Concat(["help", "--help", "-h"]))
            Assert.Equal(ClientCommand.DefaultEndpoint, ClientCommand.SplitEndpoint([word, "x"]).Endpoint);
    }

    [Fact]
    public void A_node_serves_commands_on_loopback_9110_unless_configured()
    {
        var defaults = NodeArguments.Parse(["--port", "4053"]);
        Assert.Equal(("127.0.0.1", 9110), (defaults.CmdHost, defaults.CmdPort));

        var configured = NodeArguments.Parse(["--port", "4053", "--cmd-host", "0.0.0.0", "--cmd-port", "9200"]);
        Assert.Equal(("0.0.0.0", 9200), (configured.CmdHost, configured.CmdPort));
        Assert.Equal(-1, NodeArguments.Parse(["--cmd-port", "-1"]).CmdPort);
        Assert.Equal("--cmd-port '9110x' is not a port number (1-65535, 0 = any free port, -1 = off).",
            Assert.Throws<UsageException>(() => NodeArguments.Parse(["--cmd-port", "9110x"])).Message);
    }

    [Fact]
    public void Remoting_binds_one_address_and_advertises_another_only_when_told_and_tls_and_token_come_from_flags()
    {
        var plain = RainStorm.Actors.Hosting.RainStormHostingExtensions.RemoteOptionsOf(NodeArguments.Parse(["--host", "10.0.0.11", "--port", "4053"]));
        Assert.Equal(("10.0.0.11", (string?)null, 4053), (plain.HostName, plain.PublicHostName, plain.Port));

        var parsed = NodeArguments.Parse(["--host", "10.0.0.11", "--bind-host", "0.0.0.0", "--port", "4053", "--token", "t0k",
            "--tls-cert", "node.p12", "--tls-ca", "ca.pem"]);
        Assert.Equal(("10.0.0.11", "0.0.0.0", "t0k", "node.p12", "ca.pem", "akka.ssl.tcp"),
            (parsed.Host, parsed.BindHost, parsed.Token, parsed.TlsCertificate, parsed.TlsCa, parsed.Protocol));
        parsed.TlsCertificate = parsed.TlsCa = null;
        var split = RainStorm.Actors.Hosting.RainStormHostingExtensions.RemoteOptionsOf(parsed);
        Assert.Equal(("0.0.0.0", "10.0.0.11", 4053), (split.HostName, split.PublicHostName, split.Port));
    }

    [Fact]
    public async Task A_configured_cmd_host_is_bound_as_given()
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-cmd-any-").FullName;
        try
        {
            var options = TestNode.NewOptions(root, seed: null);
            options.CmdHost = "0.0.0.0";
            options.Token = "t0k"; // required off loopback
            await using var node = await TestNode.StartAsync(options);
            var bound = RainStorm.Node.CommandHost.CommandEndpoint.Get(node.System).Bound!;
            Assert.Equal(IPAddress.Any, bound.Address);
            var shown = await ClientRun.RunAsync($"127.0.0.1:{bound.Port}", "--token", "t0k", "cluster", "show", "-o", "json");
            Assert.Equal(0, shown.Exit);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
