namespace RainStorm.Node.Tests.Support;

/// <summary>A real 3-node cluster on loopback (all roles, command endpoints on free ports), shared by the end-to-end
/// tests; no test here kills a node, so the failure detector is tolerant of a loaded machine.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public string DataRoot => _cluster.Root;
    public IReadOnlyList<TestNode> Nodes => _cluster.Nodes;
    public TestNode First => _cluster.First;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(3, hocon: TestNode.TolerantFailureDetector, commandEndpoints: true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "3-node cluster";
}
