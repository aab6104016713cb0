using System.Text;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Files follow the ring when nodes leave, join or restart.</summary>
public sealed class HyDfsMembershipSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<Dictionary<string, long>> HoldersOf(TestCluster cluster, string name)
    {
        var holders = new Dictionary<string, long>();
        foreach (var node in cluster.Nodes.Where(n => !n.System.WhenTerminated.IsCompleted))
        {
            var listing = await HyDfsClient.For(node.System).ListStoreAsync();
            if (listing.Files.FirstOrDefault(f => f.Name == name) is { } file) holders[listing.Node] = file.Length;
        }
        return holders;
    }

    private static IReadOnlyList<string> ExpectedReplicas(TestCluster cluster, string name) =>
        new HashRing(cluster.Nodes.Where(n => !n.System.WhenTerminated.IsCompleted).Select(n => n.Address))
            .Replicas(name, 3).Select(m => m.Node).Order().ToList();

    [Fact]
    public async Task A_removed_replica_is_replaced_and_every_acknowledged_byte_survives()
    {
        await using var cluster = await TestCluster.StartAsync(4);
        var client = HyDfsClient.For(cluster[0].System);
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(data);
        await client.CreateAsync("rereplicate.bin", data);
        await client.AppendAsync("rereplicate.bin", Encoding.UTF8.GetBytes("tail"));
        var expected = data.Concat(Encoding.UTF8.GetBytes("tail")).ToArray();

        var replicas = (await client.LsAsync("rereplicate.bin")).Replicas.Select(r => r.Node).ToList();
        var victim = cluster.Nodes.Skip(1).First(n => replicas.Contains(n.Address));
        await victim.StopAsync();
        var survivor = cluster.Nodes.First(n => n != victim);

        await AwaitAssertAsync(async () =>
        {
            var holders = await HoldersOf(cluster, "rereplicate.bin");
            Assert.Equal(ExpectedReplicas(cluster, "rereplicate.bin"), holders.Keys.Order());
            Assert.All(holders.Values, length => Assert.Equal(expected.Length, length));
        }, Wait, TimeSpan.FromMilliseconds(200));
        Assert.Equal(expected, await HyDfsClient.For(survivor.System).GetAsync("rereplicate.bin"));
        Assert.DoesNotContain(victim.Address, (await HyDfsClient.For(survivor.System).LsAsync("rereplicate.bin")).Replicas.Select(r => r.Node));
    }

    [Fact]
    public async Task Joining_nodes_receive_the_files_they_now_own_and_old_copies_move_away()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var client = HyDfsClient.For(cluster[0].System);
        var names = Enumerable.Range(0, 10).Select(i => $"join/{i}.txt").ToList();
        foreach (var name in names) await client.CreateAsync(name, Encoding.UTF8.GetBytes($"content of {name}"));

        await cluster.AddNodeAsync();
        await cluster.AddNodeAsync();
        await cluster.WaitUpAsync();

        foreach (var name in names)
            await AwaitAssertAsync(async () =>
            {
                var holders = await HoldersOf(cluster, name);
                Assert.Equal(ExpectedReplicas(cluster, name), holders.Keys.Order());
            }, Wait, TimeSpan.FromMilliseconds(200));
        foreach (var name in names)
            Assert.Equal($"content of {name}", Encoding.UTF8.GetString(await HyDfsClient.For(cluster[4].System).GetAsync(name)));
    }

    [Fact]
    public async Task A_node_restarted_on_the_same_directory_serves_its_files_again()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "rainstorm-restart-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using (var first = await TestCluster.StartAsync(0))
            {
                var node = await first.AddNodeAsync(dataDir: dataDir);
                await first.WaitUpAsync();
                var client = HyDfsClient.For(node.System);
                await client.CreateAsync("persisted.txt", Encoding.UTF8.GetBytes("one\n"));
                await client.AppendAsync("persisted.txt", Encoding.UTF8.GetBytes("two\n"));
                await client.AppendAsync("persisted.txt", Encoding.UTF8.GetBytes("three\n"), "writer", 5);
            }
            await using var second = await TestCluster.StartAsync(0);
            var restarted = await second.AddNodeAsync(dataDir: dataDir);
            await second.WaitUpAsync();
            var again = HyDfsClient.For(restarted.System);
            Assert.Equal("one\ntwo\nthree\n", Encoding.UTF8.GetString(await again.GetAsync("persisted.txt")));
            // the idempotency table survived too: the same key is not applied twice
            await again.AppendAsync("persisted.txt", Encoding.UTF8.GetBytes("three\n"), "writer", 5);
            Assert.Equal("one\ntwo\nthree\n", Encoding.UTF8.GetString(await again.GetAsync("persisted.txt")));
            var error = await Assert.ThrowsAsync<HyDfsException>(() => again.CreateAsync("persisted.txt", Encoding.UTF8.GetBytes("x")));
            Assert.Contains("already exists", error.Message);
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
