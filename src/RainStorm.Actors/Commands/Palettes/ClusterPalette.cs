using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary><c>cluster show|leave|down|tail</c>: membership as this node sees it.</summary>
public static class ClusterPalette
{
    public const string Module = "cluster";

    public static CommandPalette Create() => new(Module, "cluster membership", [
        new(new CommandSpec("cluster show", "list the cluster's members: address, roles, status, then the count",
            [Arg.Output], "cluster show -o json"), ShowAsync),
        new(new CommandSpec("cluster leave", "ask a member to leave the cluster gracefully (its tasks and files move first)",
            [Arg.Positional("address", "the member's host:port", ValueKind.Node)], "cluster leave 127.0.0.1:4055"), LeaveAsync),
        new(new CommandSpec("cluster down", "mark an (unreachable) member as down, removing it from the cluster",
            [Arg.Positional("address", "the member's host:port", ValueKind.Node)], "cluster down 127.0.0.1:4055"), DownAsync),
        new(new CommandSpec("cluster tail", "stream membership and reachability events until cancelled (Ctrl+C)",
            [], "cluster tail"), TailAsync),
    ]);

    private static async Task<int> ShowAsync(CommandCall call)
    {
        var table = ClusterViews.Members(Cluster.Get(call.System).State);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync([.. table.ToLines(), $"{table.Count} member{(table.Count == 1 ? "" : "s")}"]);
        return 0;
    }

    private static async Task<int> LeaveAsync(CommandCall call)
    {
        var member = FindMember(call);
        Cluster.Get(call.System).Leave(member.Address);
        await call.WriteLineAsync($"{NodeName.Of(member.Address)} is leaving the cluster");
        return 0;
    }

    private static async Task<int> DownAsync(CommandCall call)
    {
        var member = FindMember(call);
        Cluster.Get(call.System).Down(member.Address);
        await call.WriteLineAsync($"{NodeName.Of(member.Address)} is marked down");
        return 0;
    }

    private static async Task<int> TailAsync(CommandCall call)
    {
        await using var inbox = new MessageInbox(call.System);
        var cluster = Cluster.Get(call.System);
        cluster.Subscribe(inbox.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        try
        {
            await call.WriteLineAsync($"following cluster events of {NodeName.Of(cluster.SelfAddress)} (Ctrl+C to stop)");
            while (true)
            {
                var line = await inbox.ReceiveAsync(null, call.Cancellation) switch
                {
                    ClusterEvent.CurrentClusterState s => $"{s.Members.Count} members: {string.Join(", ", s.Members.Select(m => $"{NodeName.Of(m.Address)} {m.Status}"))}",
                    ClusterEvent.IMemberEvent e => $"{e.GetType().Name.Replace("Member", "member ")} {NodeName.Of(e.Member.Address)} ({e.Member.Status})",
                    ClusterEvent.UnreachableMember u => $"unreachable {NodeName.Of(u.Member.Address)}",
                    ClusterEvent.ReachableMember r => $"reachable again {NodeName.Of(r.Member.Address)}",
                    _ => null,
                };
                if (line is not null) await call.WriteLineAsync(line);
            }
        }
        finally
        {
            cluster.Unsubscribe(inbox.Ref);
        }
    }

    private static Member FindMember(CommandCall call)
    {
        var address = call.Args["address"];
        return Cluster.Get(call.System).State.Members.FirstOrDefault(m => NodeName.Of(m.Address) == address)
               ?? throw new CommandFailedException($"no cluster member at {address} (see 'cluster show').");
    }
}
