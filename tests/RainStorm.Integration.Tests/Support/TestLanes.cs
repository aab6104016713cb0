namespace RainStorm.Integration.Tests.Support;

/// <summary>Exactly-once jobs through kill -9 of node processes, kill_task and rescales (4 node processes each, the
/// product's failure detector), and the leader's node killed during rescales (3 embedded nodes with the product's
/// failure detector, LeaderMoveDuringRescaleTests): about half of the project's time.</summary>
[CollectionDefinition(Name)]
public sealed class NodeFailureLane
{
    public const string Name = "lane: node failures";
}

/// <summary>The other lane: embedded clusters (tolerant failure detector: their tests kill tasks, never nodes), the
/// autoscaler, an at-least-once job through a node's kill -9, HyDFS replica loss and network partitions; the
/// dashboard's collection runs after it.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterLane
{
    public const string Name = "lane: clusters";
}
