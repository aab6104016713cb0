using RainStorm.Actors.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Node.CommandHost;
using RainStorm.Node.Http;

namespace RainStorm.Node;

/// <summary><c>rainstorm node …</c>: runs one node until Ctrl+C or SIGTERM, then leaves the cluster cleanly. A node the
/// cluster downs (the split brain resolver on the minority side of a partition, or <c>cluster down</c>) cannot come back
/// in the same actor system: it stops and exits with <see cref="DownedExitCode"/>, so a supervisor starts it again as a
/// new incarnation that joins through its seeds.</summary>
public static class NodeCommand
{
    public const int DownedExitCode = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = NodeArguments.Parse(args);
        await SeedPortCheck.EnsureRemotingPortsAsync(options);
        using var host = NodeHost.Build(options);
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        // Tests and scripts wait for this line before they talk to the node.
        var self = Cluster.Get(system).SelfAddress;
        var cmd = CommandEndpoint.Get(system).Bound is { } bound ? $"{bound.Address}:{bound.Port}" : "off";
        var http = HttpEndpoint.Get(system).Url is { } url ? url.ToString() : "off";
        Console.WriteLine($"RainStorm node up at {NodeName.Of(self)} (roles {string.Join(",", options.Roles)}, cmd {cmd}, http {http}, pid {Environment.ProcessId})");
        ReportJoining(system, options);
        await Task.WhenAny(host.WaitForShutdownAsync(), system.WhenTerminated);
        var downed = CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
        await host.StopAsync();
        if (!downed) return 0;
        Console.Error.WriteLine($"RainStorm node {NodeName.Of(self)} was downed by the cluster (split brain resolver or 'cluster down') and stopped; " +
                                $"exiting with code {DownedExitCode} so a supervisor starts it again as a new incarnation.");
        return DownedExitCode;
    }

    /// <summary>A node with seeds says whom it waits for until it is a member, and when it has joined.</summary>
    private static void ReportJoining(ActorSystem system, RainStorm.Actors.Hosting.RainStormOptions options)
    {
        var cluster = Cluster.Get(system);
        if (options.Seeds.Count == 0 || cluster.SelfMember.Status == MemberStatus.Up) return;
        Console.WriteLine($"waiting to join {string.Join(", ", options.Seeds)} ... (commands that need the cluster answer 'not joined' until then)");
        cluster.RegisterOnMemberUp(() => Console.WriteLine($"joined the cluster ({cluster.State.Members.Count} members)"));
    }
}
