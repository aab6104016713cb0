using Akka.Actor;

namespace RainStorm.Actors.Hosting;

/// <summary>How RainStorm names a node everywhere (logs, commands, HyDFS ring, task placement): <c>host:port</c>.</summary>
public static class NodeName
{
    public static string Of(Address address) => $"{address.Host}:{address.Port}";
}
