using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using static RainStorm.Node.CommandHost.CommandProtocol;

namespace RainStorm.Node.CommandHost;

/// <summary>Owns the bound TCP listener of a node's command endpoint and starts one handler per connection.</summary>
public sealed class CommandListener : ReceiveActor
{
    private readonly TcpListener _listener;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public static Props Props(TcpListener boundListener, CommandToken? token) =>
        Akka.Actor.Props.Create(() => new CommandListener(boundListener, token));

    public CommandListener(TcpListener boundListener, CommandToken? token)
    {
        _listener = boundListener;
        Receive<Accepted>(m => Context.ActorOf(ConnectionHandler.Props(m.Client, token)));
        Receive<AcceptFailed>(m =>
        {
            _log.Error(m.Cause, "command endpoint {0} stopped accepting connections", _listener.LocalEndpoint);
            Context.Stop(Self);
        });
        Receive<GetEndpoint>(_ => Sender.Tell(new Endpoint((IPEndPoint)_listener.LocalEndpoint)));
    }

    protected override void PreStart() => _ = AcceptLoopAsync(Self);

    protected override void PostStop() => _listener.Stop();

    private async Task AcceptLoopAsync(IActorRef self)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                client.NoDelay = true;
                self.Tell(new Accepted(client));
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
        {
            // Stopped.
        }
        catch (Exception e)
        {
            self.Tell(new AcceptFailed(e));
        }
    }
}
