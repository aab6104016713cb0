using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using RainStorm.Actors.Hosting;

namespace RainStorm.Node.CommandHost;

/// <summary>Key of the command listener in Akka.Hosting's ActorRegistry.</summary>
public sealed class CommandHostKey;

/// <summary>Starts a node's command endpoint (pbm-style TCP host) with the actor system.</summary>
public static class CommandHostHostingExtensions
{
    /// <summary>Binds <see cref="RainStormOptions.CmdHost"/>:<see cref="RainStormOptions.CmdPort"/> (0 = any free port;
    /// null for -1 = no endpoint). Done before the host is built: a bad endpoint is then one usage line
    /// (<see cref="UsageException"/>) instead of a failure inside Akka.Hosting's start-up, which prints a stack trace.</summary>
    public static TcpListener? BindEndpoint(RainStormOptions options) =>
        options.CmdPort < 0 ? null : Bind(options.CmdHost, options.CmdPort, CommandToken.Of(options));

    /// <summary>Serves the command endpoint on <paramref name="boundListener"/> (from <see cref="BindEndpoint"/>; null =
    /// none) once the actor system runs. The bound address is available from <see cref="CommandEndpoint.Get"/>.</summary>
    /// <param name="token">What every connection must present first (<see cref="CommandToken.Of"/>); null = nothing.</param>
    public static AkkaConfigurationBuilder WithCommandHost(this AkkaConfigurationBuilder builder, TcpListener? boundListener, CommandToken? token)
    {
        if (boundListener is null) return builder;
        return builder.WithActors((system, registry) =>
        {
            var actor = system.ActorOf(CommandListener.Props(boundListener, token), "command-host");
            registry.Register<CommandHostKey>(actor);
            CommandEndpoint.Get(system).Bound = (IPEndPoint)boundListener.LocalEndpoint;
        });
    }

    private static TcpListener Bind(string host, int port, CommandToken? token)
    {
        var address = HostAddress.Resolve(host, "--cmd-host");
        LoopbackGuard.RequireTokenOffLoopback(address, host, token, "the command endpoint");
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            // A usage problem (port taken, address not local): one line for the user, no stack trace.
            throw new UsageException(
                $"the command endpoint {host}:{port} cannot be bound ({e.Message}); choose another with --cmd-port (0 = any free port, -1 = off).");
        }
        return listener;
    }
}

/// <summary>Where this node's command endpoint listens (null while it is not bound or when it is off).</summary>
public sealed class CommandEndpoint : IExtension
{
    public IPEndPoint? Bound { get; internal set; }

    public static CommandEndpoint Get(ActorSystem system) => system.WithExtension<CommandEndpoint, CommandEndpointProvider>();
}

public sealed class CommandEndpointProvider : ExtensionIdProvider<CommandEndpoint>
{
    public override CommandEndpoint CreateExtension(ExtendedActorSystem system) => new();
}
