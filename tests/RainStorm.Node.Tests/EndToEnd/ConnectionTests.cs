using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

public sealed class ConnectionTests
{
    [Fact]
    public async Task A_host_that_is_not_listening_is_reported_in_one_line_without_waiting_on_a_timeout()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var result = await ClientRun.RunAsync($"127.0.0.1:{port}", "cluster", "show");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}"); // no wait on a timeout; generous for a loaded machine
        Assert.NotEqual(0, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Equal($"error: cannot reach 127.0.0.1:{port}: nothing is listening there (is the node up, and is its --cmd-port {port}?).", result.Err.Trim());
    }

    [Theory]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:0")]
    [InlineData("foo:bar")]
    [InlineData(":9110")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:-5")]
    public async Task A_malformed_endpoint_is_a_usage_error_not_a_command(string endpoint)
    {
        var clock = Stopwatch.StartNew();
        var result = await ClientRun.RunAsync(endpoint, "jobs");

        Assert.Equal(2, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Equal($"error: endpoint '{endpoint}' is not host:port (port 1-65535).", result.Err.Trim());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}"); // no wait on a timeout; generous for a loaded machine
    }

    public static TheoryData<string> EveryCommandExample() => [.. Commands.PaletteSpecs.All.Select(s => s.Example).Append("help wait")];

    [Theory]
    [MemberData(nameof(EveryCommandExample))]
    public async Task Every_command_against_a_host_that_is_down_fails_in_one_line_without_waiting_on_a_timeout(string example)
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var result = await ClientRun.RunAsync($"127.0.0.1:{port}", [.. CommandLine.Split(example)]);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}"); // no wait on a timeout; generous for a loaded machine
        Assert.Equal(1, result.Exit);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"error: cannot reach 127.0.0.1:{port}: nothing is listening there", result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_host_that_accepts_but_never_answers_is_given_up_and_named_as_not_a_command_port()
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var clock = Stopwatch.StartNew();

            var result = await ClientRun.RunAsync($"127.0.0.1:{port}", "jobs");

            // The client gives up after its 2 s greeting timeout; the bound is generous for a loaded machine.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            Assert.Equal(1, result.Exit);
            Assert.StartsWith($"error: 127.0.0.1:{port} accepted the connection but sent no greeting within 2 s, so it is not a RainStorm command port", result.Err.Trim());
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_node_with_cmd_port_minus_1_has_no_endpoint_and_port_0_binds_a_free_one()
    {
        var root = Directory.CreateTempSubdirectory("rainstorm-cmd-off-").FullName;
        try
        {
            var off = TestNode.NewOptions(root, seed: null);
            off.CmdPort = -1;
            await using var node = await TestNode.StartAsync(off);
            Assert.Throws<InvalidOperationException>(() => node.CmdEndpoint);

            var on = TestNode.NewOptions(root, seed: null);
            await using var other = await TestNode.StartAsync(on);
            Assert.StartsWith("127.0.0.1:", other.CmdEndpoint);
            Assert.NotEqual("127.0.0.1:0", other.CmdEndpoint);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_taken_command_port_is_refused_before_the_host_starts()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var options = TestNode.NewOptions(Path.GetTempPath(), seed: null);
            options.CmdPort = ((IPEndPoint)taken.LocalEndpoint).Port;

            var e = Assert.Throws<UsageException>(() => NodeHost.Build(options));

            Assert.Equal($"the command endpoint 127.0.0.1:{options.CmdPort} cannot be bound (Address already in use); " +
                         "choose another with --cmd-port (0 = any free port, -1 = off).", e.Message);
        }
        finally
        {
            taken.Stop();
        }
    }
}
