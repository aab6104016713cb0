using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using RainStorm.Actors.Hosting;
using RainStorm.Node.Http.Metrics;

namespace RainStorm.Node.Http;

/// <summary>Wires the HTTP side of a node: the metrics actor every node runs, and the Kestrel endpoint.</summary>
public static class HttpHostingExtensions
{
    /// <summary>The actor that tells dashboards on any node how busy this node's tasks are (on every node).</summary>
    public static AkkaConfigurationBuilder WithNodeMetrics(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, _) => system.ActorOf(NodeMetricsActor.Props(), NodeMetricsActor.Name));

    /// <summary>The dashboard, REST API and /metrics, started once the actor system runs (nothing when the port is -1).</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, RainStormOptions options) =>
        services.AddHostedService(provider => new DashboardServer(provider.GetRequiredService<Akka.Actor.ActorSystem>(), options));
}
