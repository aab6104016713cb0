using System.Diagnostics;
using System.Text;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.Tests.Support;
using Xunit.Abstractions;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Files follow the ring when nodes leave, join or restart.</summary>
public sealed class HyDfsMembershipSpec(ITestOutputHelper output) : TestKit((Akka.Actor.ActorSystem?)null, output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120); // correctness, not speed: generous for a loaded machine

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

    /// <summary>Issue 3's target: a 100 MB file is back to 3 copies within 10 s of a replica's removal.</summary>
    [Fact]
    public async Task A_removed_replica_of_a_100_MB_file_is_replaced_and_every_acknowledged_byte_survives()
    {
        await using var cluster = await TestCluster.StartAsync(4, hocon: TestNode.TolerantFailureDetector); // the victim leaves gracefully
        var client = HyDfsClient.For(cluster[0].System);
        var source = Path.Combine(cluster.Root, "source.bin");
        var block = new byte[1024 * 1024];
        new Random(7).NextBytes(block);
        await using (var file = File.Create(source))
            for (var i = 0; i < 100; i++) await file.WriteAsync(block);
        await client.CreateFromFileAsync("rereplicate.bin", source);
        await client.AppendAsync("rereplicate.bin", Encoding.UTF8.GetBytes("tail"));
        await using (var file = new FileStream(source, FileMode.Append)) await file.WriteAsync(Encoding.UTF8.GetBytes("tail"));
        var length = new FileInfo(source).Length;

        var replicas = (await client.LsAsync("rereplicate.bin")).Replicas.Select(r => r.Node).ToList();
        // the primary if it is not the seed: a new primary must take the file over, the hardest case
        var victim = cluster.Nodes.Skip(1).FirstOrDefault(n => n.Address == replicas[0]) ?? cluster.Nodes.Skip(1).First(n => replicas.Contains(n.Address));
        var survivor = cluster.Nodes.First(n => n != victim);
        var newcomer = cluster.Nodes.Single(n => n != victim && !replicas.Contains(n.Address));
        var clock = Stopwatch.StartNew();
        var removed = Task.Run(async () =>
        {
            // when the survivors' ring no longer has the victim: from here the 10 s count
            while ((await HyDfsClient.For(survivor.System).ListMembersAsync()).Any(m => m.Node == victim.Address))
                await Task.Delay(20);
            return clock.Elapsed;
        });
        await victim.StopAsync();
        var removedAt = await removed.WaitAsync(Wait);

        await AwaitAssertAsync(async () =>
        {
            var holders = await HoldersOf(cluster, "rereplicate.bin");
            Assert.Equal(ExpectedReplicas(cluster, "rereplicate.bin"), holders.Keys.Order());
            Assert.All(holders.Values, l => Assert.Equal(length, l));
        }, Wait, TimeSpan.FromMilliseconds(100));
        var restored = clock.Elapsed - removedAt;
        output.WriteLine($"removed from the ring {removedAt.TotalSeconds:0.0}s after the leave started; 3 full copies of {length} bytes {restored.TotalSeconds:0.0}s after the removal");
        // The 10 s re-replication target is measured by bench/RainStorm.Bench.HyDfs; a test asserts only that it happens.

        var copy = Path.Combine(cluster.Root, "newcomer-copy.bin");
        await HyDfsClient.For(survivor.System).GetFromReplicaAsync(newcomer.Address, "rereplicate.bin", copy);
        Assert.True(FilesEqual(source, copy), "the new replica's copy differs from what was written");
        var read = Path.Combine(cluster.Root, "read.bin");
        await HyDfsClient.For(survivor.System).GetToFileAsync("rereplicate.bin", read);
        Assert.True(FilesEqual(source, read), "get returned other bytes than were written");
        // ls: the replicas that hold a copy now, i.e. the new ring's three
        Assert.Equal(ExpectedReplicas(cluster, "rereplicate.bin"),
            (await HyDfsClient.For(survivor.System).LsAsync("rereplicate.bin")).Replicas.Select(r => r.Node).Order());
    }

    private static bool FilesEqual(string a, string b)
    {
        using var x = File.OpenRead(a);
        using var y = File.OpenRead(b);
        if (x.Length != y.Length) return false;
        var bx = new byte[1 << 20];
        var by = new byte[1 << 20];
        while (true)
        {
            var n = x.ReadAtLeast(bx, bx.Length, throwOnEndOfStream: false);
            if (y.ReadAtLeast(by, n, throwOnEndOfStream: false) != n || !bx.AsSpan(0, n).SequenceEqual(by.AsSpan(0, n))) return false;
            if (n < bx.Length) return true;
        }
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
