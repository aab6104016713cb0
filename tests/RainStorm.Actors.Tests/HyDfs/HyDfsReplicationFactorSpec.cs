using System.Text;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>The replication factor is configuration, and a ring smaller than it holds fewer copies.</summary>
public sealed class HyDfsReplicationFactorSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private async Task AssertPlacedOn(TestCluster cluster, string name, IReadOnlyList<string> expected)
    {
        var location = await HyDfsClient.For(cluster[0].System).LsAsync(name);
        Assert.Equal(expected, location.Replicas.Select(r => r.Node));
        await AwaitAssertAsync(async () =>
        {
            var holders = new List<string>();
            foreach (var node in cluster.Nodes)
            {
                var listing = await HyDfsClient.For(node.System).ListStoreAsync();
                if (listing.Files.Any(f => f.Name == name && f.Length == name.Length)) holders.Add(listing.Node);
            }
            Assert.Equal(expected.Order(), holders.Order());
        }, Wait, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_configured_replication_factor_of_2_keeps_two_copies_per_file()
    {
        await using var cluster = await TestCluster.StartAsync(4, hocon: "rainstorm.hydfs.replication-factor = 2");
        var ring = new HashRing(cluster.Nodes.Select(n => n.Address));
        var client = HyDfsClient.For(cluster[1].System);
        foreach (var name in Enumerable.Range(0, 6).Select(i => $"r2/{i}"))
        {
            await client.CreateAsync(name, Encoding.UTF8.GetBytes(name));
            await AssertPlacedOn(cluster, name, ring.Replicas(name, 2).Select(m => m.Node).ToList());
        }
    }

    [Fact]
    public async Task With_fewer_nodes_than_the_replication_factor_every_node_holds_a_copy()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var ring = new HashRing(cluster.Nodes.Select(n => n.Address));
        var client = HyDfsClient.For(cluster[0].System);
        foreach (var name in Enumerable.Range(0, 4).Select(i => $"small-ring/{i}"))
        {
            await client.CreateAsync(name, Encoding.UTF8.GetBytes(name));
            var expected = ring.Replicas(name, 3).Select(m => m.Node).ToList();
            Assert.Equal(2, expected.Count);
            await AssertPlacedOn(cluster, name, expected);
        }
        // appends are acknowledged with two copies and read back from either node
        await client.AppendAsync("small-ring/0", Encoding.UTF8.GetBytes("+tail"));
        Assert.Equal("small-ring/0+tail", Encoding.UTF8.GetString(await HyDfsClient.For(cluster[1].System).GetAsync("small-ring/0")));
    }
}
