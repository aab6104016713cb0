using System.Net;
using System.Net.Sockets;
using RainStorm.Actors.Hosting;

namespace RainStorm.Node;

/// <summary>
/// Refuses a remoting port that another process listens on. On Linux .NET's ReuseAddress sets SO_REUSEPORT too, so
/// Akka's DotNetty transport would share the port with the other node and silently form a cluster of its own.
/// </summary>
public static class RemotingPortCheck
{
    private const int SolSocket = 1, SoReuseAddr = 2;

    public static void EnsureFree(RainStormOptions options)
    {
        var host = options.BindHost ?? options.Host;
        if (options.Port == 0 || !OperatingSystem.IsLinux() || !IPAddress.TryParse(host, out var address)) return;
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // SO_REUSEADDR alone: a port held only by TIME_WAIT connections of a node that just died stays usable.
        probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        try
        {
            probe.Bind(new IPEndPoint(address, options.Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new UsageException($"the remoting port {host}:{options.Port} is already in use by another process; choose another with --port.");
        }
    }
}
