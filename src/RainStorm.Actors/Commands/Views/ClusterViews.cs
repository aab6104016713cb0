using Akka.Cluster;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Commands.Views;

/// <summary>Membership and the HyDFS ring as tables (<c>cluster show</c>, <c>hydfs list_mem_ids</c>, <c>hydfs files</c>
/// and the HTTP API).</summary>
public static class ClusterViews
{
    public static Table Members(ClusterEvent.CurrentClusterState state)
    {
        var table = new Table(new Column("ADDRESS", "address"), new Column("ROLES", "roles"), new Column("STATUS", "status"));
        foreach (var m in state.Members.OrderBy(m => m.Address.Port).ThenBy(m => m.Address.Host))
            table.Add(NodeName.Of(m.Address), Roles(m), state.Unreachable.Contains(m) ? "Unreachable" : m.Status.ToString());
        return table;
    }

    public static IReadOnlyList<string> Roles(Member m) => m.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order().ToList();

    /// <summary>The node that hosts the leader singleton: the oldest up member with the leader role.</summary>
    public static string? LeaderNode(ClusterEvent.CurrentClusterState state) =>
        state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(RainStormOptions.LeaderRole))
            .OrderBy(m => m, Member.AgeOrdering).Select(m => NodeName.Of(m.Address)).FirstOrDefault();

    public static Table Ring(IEnumerable<RingMember> members)
    {
        var table = new Table(new Column("NODE", "node"), new Column("RING_ID", "ring_id"));
        foreach (var m in members.OrderBy(m => m.RingId)) table.Add(m.Node, m.RingId);
        return table;
    }

    /// <summary>Every file of the ring as its members store it: the largest copy's size and the nodes holding a copy.</summary>
    public static Table Files(IEnumerable<StoreListing> stores)
    {
        var table = new Table(new Column("FILE", "file"), new Column("BYTES", "bytes"), new Column("REPLICAS", "replicas"));
        var files = stores.SelectMany(s => s.Files.Select(f => (s.Node, File: f))).GroupBy(x => x.File.Name).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var file in files)
            table.Add(file.Key, file.Max(x => x.File.Length), file.Select(x => x.Node).Order(StringComparer.Ordinal).ToList());
        return table;
    }

    /// <summary>Asks every ring member for its store; members that do not answer in time are left out.</summary>
    public static async Task<IReadOnlyList<StoreListing>> StoresAsync(HyDfsClient hydfs, CancellationToken ct)
    {
        var members = await hydfs.ListMembersAsync(ct);
        var stores = await Task.WhenAll(members.Select(m => hydfs.ListStoreOfAsync(m.Node, ct)));
        return stores.OfType<StoreListing>().ToList();
    }
}
