using Akka.Hosting;
using RainStorm.Actors.HyDfs.Node;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs;

public static class HyDfsHostingExtensions
{
    /// <summary>Starts the <c>hydfs</c> actor (store under <c>&lt;DataDir&gt;/hydfs</c>) when the node has role hydfs.</summary>
    public static AkkaConfigurationBuilder WithHyDfs(this AkkaConfigurationBuilder builder, RainStormOptions options)
    {
        if (!options.HasRole(RainStormOptions.HyDfsRole)) return builder;
        var directory = Path.GetFullPath(Path.Combine(options.DataDir, "hydfs"));
        return builder.WithActors((system, registry) =>
        {
            var actor = system.ActorOf(HyDfsNodeActor.Props(directory, HyDfsSettings.Create(system)), PeerDirectory.ActorName);
            registry.Register<HyDfsNodeActor>(actor);
        });
    }
}
