using System.Net;
using System.Net.Sockets;

namespace RainStorm.Node.Tests.Support;

/// <summary>A TCP port nobody listens on right now (other agents run tests on this machine: never fixed ports).</summary>
public static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
