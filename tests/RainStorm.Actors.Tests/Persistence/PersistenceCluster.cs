using RainStorm.Actors.Persistence;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>Three hydfs nodes with the HyDFS journal and snapshot store as their default persistence plugins.</summary>
public sealed class PersistenceCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3, configure: b => b.WithHyDfsPersistence(), hocon: TestPayloadSerializer.Hocon);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
