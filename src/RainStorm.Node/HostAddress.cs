using System.Net;
using System.Net.Sockets;

namespace RainStorm.Node;

/// <summary>The address an endpoint binds to: an IP as written, otherwise the host name resolved; a name that does
/// not resolve is one usage line naming the flag.</summary>
public static class HostAddress
{
    public static IPAddress Resolve(string host, string flag)
    {
        if (IPAddress.TryParse(host, out var ip)) return ip;
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new UsageException($"{flag} '{host}' has no address.");
        }
        catch (SocketException e)
        {
            throw new UsageException($"{flag} '{host}' does not resolve ({e.Message}).");
        }
    }
}
