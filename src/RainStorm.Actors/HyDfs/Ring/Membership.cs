using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>
/// Membership as told by cluster events. (Cluster.State is updated by another subscriber and may still be
/// stale while an event is being handled, so the ring is built from the events themselves.)
/// </summary>
internal sealed class Membership
{
    private readonly Dictionary<Address, Member> _members = new();
    private readonly HashSet<Address> _unreachable = new();

    public HashRing Ring { get; private set; } = HashRing.Empty;
    public IReadOnlySet<string> Unreachable { get; private set; } = new HashSet<string>();

    /// <summary>Applies one cluster event; true when the ring or the unreachable set changed.</summary>
    public bool Apply(object message)
    {
        switch (message)
        {
            case ClusterEvent.CurrentClusterState state:
                _members.Clear();
                foreach (var m in state.Members) _members[m.Address] = m;
                _unreachable.Clear();
                foreach (var m in state.Unreachable) _unreachable.Add(m.Address);
                break;
            case ClusterEvent.MemberRemoved removed:
                _members.Remove(removed.Member.Address);
                _unreachable.Remove(removed.Member.Address);
                break;
            case ClusterEvent.IMemberEvent changed:
                _members[changed.Member.Address] = changed.Member;
                break;
            case ClusterEvent.UnreachableMember unreachable:
                _unreachable.Add(unreachable.Member.Address);
                break;
            case ClusterEvent.ReachableMember reachable:
                _unreachable.Remove(reachable.Member.Address);
                break;
            default:
                return false;
        }
        var ring = ClusterRing.From(_members.Values);
        var unreachableNodes = _unreachable.Select(NodeName.Of).ToHashSet();
        if (ring.ToString() == Ring.ToString() && unreachableNodes.SetEquals(Unreachable)) return false;
        Ring = ring;
        Unreachable = unreachableNodes;
        return true;
    }
}
