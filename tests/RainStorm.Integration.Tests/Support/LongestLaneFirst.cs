using Xunit.Abstractions;
using Xunit.Sdk;

namespace RainStorm.Integration.Tests.Support;

/// <summary>Starts the node-failure lane first (it takes longest), then the cluster lane; any other collection (the
/// dashboard's) waits for a free lane.</summary>
public sealed class LongestLaneFirst : ITestCollectionOrderer
{
    private static readonly string[] Order = [NodeFailureLane.Name, ClusterLane.Name];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => Array.IndexOf(Order, c.DisplayName) is var i and >= 0 ? i : Order.Length).ThenBy(c => c.DisplayName);
}
