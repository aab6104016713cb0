using Akka.Cluster;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>Builds the ring from cluster membership: the Up (or Leaving) members with role hydfs.</summary>
internal static class ClusterRing
{
    public const string Role = "hydfs";

    public static bool Counts(Member member) =>
        member.HasRole(Role) && member.Status is MemberStatus.Up or MemberStatus.Leaving;

    public static HashRing From(IEnumerable<Member> members) =>
        new(members.Where(Counts).Select(m => NodeName.Of(m.Address)));
}
