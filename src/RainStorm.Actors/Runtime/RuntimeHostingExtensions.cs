using Akka.Cluster.Hosting;
using Akka.Hosting;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.NodeLog;
using RainStorm.Actors.Runtime.Leader;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Worker;

namespace RainStorm.Actors.Runtime;

/// <summary>Starts the streaming runtime of a node: its log, the leader singleton (or a proxy to it) and, on role
/// worker, the worker agent.</summary>
public static class RuntimeHostingExtensions
{
    public static string LogFile(RainStormOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "logs", "node.log"));

    public static AkkaConfigurationBuilder WithRainStormRuntime(this AkkaConfigurationBuilder builder, RainStormOptions options)
    {
        var logFile = LogFile(options);
        builder.AddHocon(NodeLogger.Hocon(logFile, options.SelfAddress), HoconAddMode.Prepend);
        // The proxy's "failed to find the singleton" warning fires while a cluster is still forming: noise.
        var singleton = new ClusterSingletonOptions { Role = RainStormOptions.LeaderRole, LogSingletonIdentificationFailure = false };
        if (options.HasRole(RainStormOptions.LeaderRole))
            builder.WithSingleton<JobCommands.LeaderProxyKey>(LeaderActor.Name, LeaderActor.Props(options.OperatorDir), singleton, createProxyToo: true);
        else
            builder.WithSingletonProxy<JobCommands.LeaderProxyKey>(LeaderActor.Name, singleton);
        if (options.HasRole(RainStormOptions.WorkerRole))
        {
            builder.WithActors((system, registry) =>
                system.ActorOf(WorkerAgent.Props(registry.Get<JobCommands.LeaderProxyKey>(), options.OperatorDir, logFile), WorkerAgent.Name));
        }
        return builder;
    }
}
