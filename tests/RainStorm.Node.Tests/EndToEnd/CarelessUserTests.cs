using System.Net;
using System.Net.Sockets;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>
/// The real binary as a careless user meets it: every mistake is one line on stderr and a non-zero exit, never a
/// stack trace or a hang (whatever prints it: our code, Akka.Hosting or the runtime).
/// </summary>
public sealed class CarelessUserTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    private static void AssertOneLine(RunResult result, int exit, string message)
    {
        Assert.True(exit == result.Exit, $"exit {result.Exit}, stderr: {result.Err}");
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task Client_mistakes_before_any_command_runs()
    {
        var notListening = FreePort.Next();
        AssertOneLine((await ProcessRun.RainstormAsync(NoHang, "foo:bar", "jobs")), 2, "endpoint 'foo:bar' is not host:port");
        AssertOneLine((await ProcessRun.RainstormAsync(NoHang, "127.0.0.1:70000", "jobs")), 2, "endpoint '127.0.0.1:70000' is not host:port");
        AssertOneLine((await ProcessRun.RainstormAsync(NoHang, $"127.0.0.1:{notListening}", "jobs")), 1,
            $"cannot reach 127.0.0.1:{notListening}: nothing is listening there");
        AssertOneLine((await ProcessRun.RainstormAsync(NoHang, "nosuchhost.invalid:9110", "jobs")), 1, "cannot reach nosuchhost.invalid:9110");
    }

    [Fact]
    public async Task A_node_whose_command_port_is_taken_or_host_unknown_says_so_in_one_line()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var data = Directory.CreateTempSubdirectory("rainstorm-careless-node-").FullName;
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var busy = await ProcessRun.RainstormAsync(NoHang, "node", "--port", FreePort.Next().ToString(), "--cmd-port", port.ToString(), "--data", data);
            AssertOneLine(busy, 2, $"rainstorm: the command endpoint 127.0.0.1:{port} cannot be bound (Address already in use)");

            var unknown = await ProcessRun.RainstormAsync(NoHang, "node", "--port", FreePort.Next().ToString(), "--cmd-host", "nosuchhost.invalid",
                "--cmd-port", "0", "--data", data);
            AssertOneLine(unknown, 2, "rainstorm: --cmd-host 'nosuchhost.invalid' does not resolve");

            var range = await ProcessRun.RainstormAsync(NoHang, "node", "--port", FreePort.Next().ToString(), "--cmd-port", "70000", "--data", data);
            AssertOneLine(range, 2, "rainstorm: --cmd-port '70000' is not a port number");
        }
        finally
        {
            taken.Stop();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_whose_remoting_port_another_node_listens_on_refuses_to_start()
    {
        // Listens the way Akka's DotNetty transport does: ReuseAddress, which on Linux also sets SO_REUSEPORT.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        var data = Directory.CreateTempSubdirectory("rainstorm-careless-node-").FullName;
        try
        {
            var second = await ProcessRun.RainstormAsync(NoHang, "node", "--port", port.ToString(), "--cmd-port", "-1", "--data", data);
            AssertOneLine(second, 2, $"rainstorm: the remoting port 127.0.0.1:{port} is already in use by another process");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
