using Akka.Actor;

namespace RainStorm.Actors.Hosting;

/// <summary>How RainStorm names a node everywhere (logs, commands, HyDFS ring, task placement): <c>host:port</c>.</summary>
public static class NodeName
{
    public static string Of(Address address) => $"{address.Host}:{address.Port}";

    /// <summary>The protocol of <paramref name="system"/>'s remoting (akka.tcp, or akka.ssl.tcp with TLS), for paths to peers.</summary>
    public static string Protocol(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol;
}
