namespace RainStorm.Integration.Tests.Support;

/// <summary>Tests that kill -9 node processes under exactly_once and at-least-once jobs (4 node processes each, the
/// product's failure detector): the longer lane, about half of the project's time.</summary>
[CollectionDefinition(Name)]
public sealed class NodeFailureLane
{
    public const string Name = "lane: node failures";
}

/// <summary>The other lane: embedded clusters (tolerant failure detector: their tests kill tasks, never nodes), the
/// autoscaler, HyDFS replica loss and network partitions. The dashboard's collection runs after it.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterLane
{
    public const string Name = "lane: clusters";
}
