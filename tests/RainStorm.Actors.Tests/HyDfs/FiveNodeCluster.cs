using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Five in-process hydfs nodes shared by the tests of one class (each test uses its own file names).</summary>
public sealed class FiveNodeCluster : IAsyncLifetime
{
    /// <summary>No test of these classes stops a node: a tolerant failure detector keeps a heavily loaded machine
    /// (starved heartbeats) from having the split brain resolver down a slow but healthy member mid-test.</summary>
    private const string TolerantFailureDetector = """
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 20s
        akka.cluster.split-brain-resolver.stable-after = 20s
        """;

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(5, hocon: TolerantFailureDetector);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
