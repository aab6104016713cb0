using Akka.Actor;
using RainStorm.Actors.Runtime.Metrics;
using static RainStorm.Actors.Runtime.Metrics.MetricsProtocol;

namespace RainStorm.Node.Http.Metrics;

/// <summary>
/// Runs on every node (HTTP on or off) at <c>/user/node-metrics</c>: tells a dashboard on any node how busy and how
/// backpressured the tasks running here were, so that node can colour every stage and name the bottleneck.
/// </summary>
public sealed class NodeMetricsActor : ReceiveActor
{
    public const string Name = "node-metrics";

    public NodeMetricsActor()
    {
        var metrics = RuntimeMetrics.For(Context.System);
        Receive<GetTaskTimes>(_ => Sender.Tell(new TaskTimes(metrics.TaskTimes())));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new NodeMetricsActor());
}
