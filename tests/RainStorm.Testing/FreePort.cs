using System.Net;
using System.Net.Sockets;

namespace RainStorm.Testing;

/// <summary>A loopback port that was free a moment ago (the OS picks it); only where a port must be known up front.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
