using System.Net;
using System.Net.Sockets;
using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.CommandHost;

/// <summary>Messages of the command host's actors.</summary>
public static class CommandProtocol
{
    /// <summary>Listener → itself: a client connected.</summary>
    public sealed record Accepted(TcpClient Client);

    /// <summary>Listener → itself: accepting stopped (the listener was closed or failed).</summary>
    public sealed record AcceptFailed(Exception Cause);

    /// <summary>→ listener. Replies <see cref="Endpoint"/>.</summary>
    public sealed record GetEndpoint
    {
        public static readonly GetEndpoint Instance = new();
    }

    public sealed record Endpoint(IPEndPoint Address);

    /// <summary>Connection reader → handler: one frame from the client; the handler replies <see cref="FrameHandled"/>
    /// when the next frame may be read (file chunks wait for room, so a fast client cannot flood the node).</summary>
    public sealed record FrameReceived(Frame Frame);

    public sealed record FrameHandled
    {
        public static readonly FrameHandled Instance = new();
    }

    /// <summary>Handler → itself: a request has sent its final frame.</summary>
    public sealed record RequestFinished(long Id);

    /// <summary>Connection reader → handler: the client went away (or broke the protocol).</summary>
    public sealed record ConnectionClosed(string Reason);
}
