using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Five in-process hydfs nodes shared by the tests of one class (each test uses its own file names).</summary>
public sealed class FiveNodeCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    // No test of these classes stops a node.
    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(5, hocon: TestNode.TolerantFailureDetector);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
