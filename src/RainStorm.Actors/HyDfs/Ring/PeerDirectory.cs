using System.Collections.Concurrent;
using Akka.Actor;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>
/// The hydfs actor of a node, by host:port. Messages go through an ActorSelection until the actor's ref has been
/// resolved once; after that straight to the ref (a selection is re-resolved by the receiver for every message).
/// </summary>
internal sealed class PeerDirectory(ActorSystem system)
{
    public const string ActorName = "hydfs";
    private readonly ConcurrentDictionary<string, ActorSelection> _selections = new();
    private readonly ConcurrentDictionary<string, IActorRef> _resolved = new();
    private readonly ConcurrentDictionary<string, bool> _resolving = new();

    public ICanTell Of(string node)
    {
        if (_resolved.TryGetValue(node, out var actor)) return actor;
        var selection = Selection(node);
        if (_resolving.TryAdd(node, true))
            selection.ResolveOne(TimeSpan.FromSeconds(5)).ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) _resolved[node] = t.Result;
                _resolving.TryRemove(node, out _);
            });
        return selection;
    }

    public ActorSelection Selection(string node) =>
        _selections.GetOrAdd(node, n => system.ActorSelection($"{NodeName.Protocol(system)}://{system.Name}@{n}/user/{ActorName}"));

    /// <summary>Drops resolved refs of nodes that left the ring (a restarted node at the same address is a new actor).</summary>
    public void Retain(HashRing ring)
    {
        foreach (var node in _resolved.Keys)
            if (!ring.Contains(node)) _resolved.TryRemove(node, out _);
    }
}
