using System.Collections.Concurrent;
using Akka.Actor;

namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>The hydfs actor of a node, by host:port.</summary>
internal sealed class PeerDirectory(ActorSystem system)
{
    public const string ActorName = "hydfs";
    private readonly ConcurrentDictionary<string, ActorSelection> _cache = new();

    public ActorSelection Of(string node) =>
        _cache.GetOrAdd(node, n => system.ActorSelection($"akka.tcp://{system.Name}@{n}/user/{ActorName}"));

    public static string NodeOf(Address address) => $"{address.Host}:{address.Port}";
}
