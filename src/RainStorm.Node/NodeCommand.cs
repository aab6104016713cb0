using RainStorm.Actors.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RainStorm.Node.CommandHost;
using RainStorm.Node.Http;

namespace RainStorm.Node;

/// <summary><c>rainstorm node …</c>: runs one node until Ctrl+C or SIGTERM, then leaves the cluster cleanly.</summary>
public static class NodeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = NodeArguments.Parse(args);
        using var host = NodeHost.Build(options);
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        // Tests and scripts wait for this line before they talk to the node.
        var self = Cluster.Get(system).SelfAddress;
        var cmd = CommandEndpoint.Get(system).Bound is { } bound ? $"{bound.Address}:{bound.Port}" : "off";
        var http = HttpEndpoint.Get(system).Url is { } url ? url.ToString() : "off";
        Console.WriteLine($"RainStorm node up at {NodeName.Of(self)} (roles {string.Join(",", options.Roles)}, cmd {cmd}, http {http}, pid {Environment.ProcessId})");
        await Task.WhenAny(host.WaitForShutdownAsync(), system.WhenTerminated);
        await host.StopAsync();
        return 0;
    }
}
