using System.Net;
using System.Net.Sockets;
using RainStorm.Node.Http;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.Http;

public sealed class HttpArgumentsTests
{
    [Fact]
    public void The_http_endpoint_defaults_to_loopback_9120_and_takes_a_port_zero_or_off()
    {
        var defaults = NodeArguments.Parse([]);
        Assert.Equal(("127.0.0.1", 9120), (defaults.HttpHost, defaults.HttpPort));
        var configured = NodeArguments.Parse(["--http-host", "0.0.0.0", "--http-port", "9300"]);
        Assert.Equal(("0.0.0.0", 9300), (configured.HttpHost, configured.HttpPort));
        Assert.Equal(0, NodeArguments.Parse(["--http-port", "0"]).HttpPort);
        Assert.Equal(-1, NodeArguments.Parse(["--http-port", "-1"]).HttpPort);
        Assert.Equal("--http-port 'x' is not a port number (1-65535, 0 = any free port, -1 = off).",
            Assert.Throws<UsageException>(() => NodeArguments.Parse(["--http-port", "x"])).Message);
    }

    [Fact]
    public void Local_takes_the_dashboard_port_too()
    {
        Assert.Contains(RainStorm.Node.Local.LocalArguments.Parse([]).HttpPort, new[] { 9120, 0 });
        Assert.Equal(-1, RainStorm.Node.Local.LocalArguments.Parse(["--http-port", "-1"]).HttpPort);
    }

    [Fact]
    public void A_taken_http_port_or_an_unknown_http_host_is_one_line_before_the_host_starts()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var options = TestNode.NewOptions(Path.GetTempPath(), seed: null);
            options.HttpPort = ((IPEndPoint)taken.LocalEndpoint).Port;
            var e = Assert.Throws<UsageException>(() => NodeHost.Build(options));
            Assert.Equal($"the HTTP endpoint 127.0.0.1:{options.HttpPort} cannot be bound (Address already in use); " +
                         "choose another with --http-port (0 = any free port, -1 = off).", e.Message);

            options.HttpPort = 0;
            options.HttpHost = "nosuchhost.invalid";
            Assert.StartsWith("--http-host 'nosuchhost.invalid' does not resolve", Assert.Throws<UsageException>(() => NodeHost.Build(options)).Message);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public void A_non_loopback_http_host_needs_a_token()
    {
        var options = TestNode.NewOptions(Path.GetTempPath(), seed: null);
        options.HttpHost = "0.0.0.0";
        options.HttpPort = 0;
        Assert.Equal("the HTTP endpoint may bind to the non-loopback address 0.0.0.0 only with a token (rainstorm.http.token): " +
                     "whoever reaches it can run jobs, which runs code on the cluster.",
            Assert.Throws<UsageException>(() => DashboardServer.EnsureBindable(options)).Message);
        options.HttpToken = "s3cret";
        DashboardServer.EnsureBindable(options);
        options.HttpToken = null;
        options.ExtraHocon = "rainstorm.http.token = \"s3cret\"";
        DashboardServer.EnsureBindable(options);
        options.ExtraHocon = "rainstorm.http.token = \"\"";
        Assert.Throws<UsageException>(() => DashboardServer.EnsureBindable(options));
    }

    [Fact]
    public void The_check_reads_the_token_the_node_will_run_with_the_option_over_the_hocon()
    {
        var options = TestNode.NewOptions(Path.GetTempPath(), seed: null);
        options.ExtraHocon = "rainstorm.http { token = \"from-hocon\", history = 1m }";
        Assert.Equal("from-hocon", HttpSettings.Create(RainStorm.Actors.Hosting.RainStormHocon.Effective(options)).Token);
        options.HttpToken = "from-option"; // appsettings.json or RAINSTORM_HTTPTOKEN
        var effective = HttpSettings.Create(RainStorm.Actors.Hosting.RainStormHocon.Effective(options));
        Assert.Equal("from-option", effective.Token);
        Assert.Equal(TimeSpan.FromMinutes(1), effective.History);
    }

    [Fact]
    public void Local_takes_a_free_http_port_when_9120_is_taken()
    {
        TcpListener? held = null;
        try
        {
            held = new TcpListener(IPAddress.Loopback, RainStorm.Node.Local.LocalArguments.PreferredHttpPort);
            held.Start();
        }
        catch (SocketException)
        {
            held = null; // something else holds 9120 already: the case under test
        }
        try
        {
            Assert.Equal(0, RainStorm.Node.Local.LocalArguments.Parse([]).HttpPort);
            Assert.Equal(9120, RainStorm.Node.Local.LocalArguments.Parse(["--http-port", "9120"]).HttpPort);
        }
        finally
        {
            held?.Stop();
        }
    }
}
