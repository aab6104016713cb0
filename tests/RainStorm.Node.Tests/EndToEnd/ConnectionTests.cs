using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

public sealed class ConnectionTests
{
    [Fact]
    public async Task A_host_that_is_not_listening_is_reported_in_one_line_within_3_s()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var result = await ClientRun.RunAsync($"127.0.0.1:{port}", "cluster", "show");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.NotEqual(0, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Equal($"error: cannot reach 127.0.0.1:{port}: nothing is listening there (is the node up, and is its --cmd-port {port}?).", result.Err.Trim());
    }

    [Fact]
    public async Task A_malformed_endpoint_is_a_usage_error()
    {
        var result = await ClientRun.RunAsync("127.0.0.1:99999", "jobs");

        Assert.Equal(2, result.Exit);
        Assert.Equal("error: endpoint '127.0.0.1:99999' is not host:port (port 1-65535).", result.Err.Trim());
    }

    [Fact]
    public async Task A_host_that_accepts_but_never_answers_is_given_up_within_3_s()
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var clock = Stopwatch.StartNew();

            var result = await ClientRun.RunAsync($"127.0.0.1:{port}", "jobs");

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"took {clock.Elapsed}");
            Assert.Equal(1, result.Exit);
            Assert.Contains("no answer within 2.5 s", result.Err);
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
    public async Task A_taken_command_port_is_one_usage_line_not_a_stack_trace()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var root = Directory.CreateTempSubdirectory("rainstorm-cmd-taken-").FullName;
        try
        {
            var options = TestNode.NewOptions(root, seed: null);
            options.CmdPort = ((IPEndPoint)taken.LocalEndpoint).Port;
            using var host = NodeHost.Build(options);

            var e = await Assert.ThrowsAsync<UsageException>(() => host.StartAsync());

            Assert.Equal($"the command endpoint 127.0.0.1:{options.CmdPort} cannot be bound (Address already in use); " +
                         "choose another with --cmd-port (0 = any free port, -1 = off).", e.Message);
            await host.StopAsync();
        }
        finally
        {
            taken.Stop();
            Directory.Delete(root, recursive: true);
        }
    }
}
