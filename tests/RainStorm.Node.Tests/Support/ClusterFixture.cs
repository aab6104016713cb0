namespace RainStorm.Node.Tests.Support;

/// <summary>A real 3-node cluster on loopback (all roles), shared by the end-to-end tests, data in a fresh temp dir.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public string DataRoot { get; } = Directory.CreateTempSubdirectory("rainstorm-cmd-tests-").FullName;
    public List<TestNode> Nodes { get; } = [];

    public TestNode First => Nodes[0];

    public async Task InitializeAsync()
    {
        var seed = TestNode.NewOptions(DataRoot, seed: null);
        var others = Enumerable.Range(0, 2).Select(_ => TestNode.NewOptions(DataRoot, seed.SelfAddress)).ToList();
        var started = await Task.WhenAll(new[] { seed }.Concat(others).Select(TestNode.StartAsync));
        Nodes.AddRange(started);
        await Task.WhenAll(Nodes.Select(n => n.WaitForUpMembersAsync(3)));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping node; the temp dir is cleaned by the OS later.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "3-node cluster";
}
