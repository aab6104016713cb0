using System.Text;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Tests.Support;
using Xunit.Abstractions;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Bytes of the primary's own copy flipped on disk (bit rot, a bad sector): every block's checksum was taken
/// when it was appended, so a read (or a merge) finds the block no longer matches, serves nothing of it, and the
/// primary puts the block back from a replica whose bytes match that checksum.</summary>
public sealed class HyDfsCorruptPrimarySpec(ITestOutputHelper output)
{
    private static readonly byte[] Content =
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i:D6}\n")));

    [Fact]
    public async Task A_get_finds_the_primary_copy_corrupted_by_its_checksums_returns_the_file_intact_and_the_primary_is_repaired()
    {
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"]);
        var client = HyDfsClient.For(cluster[0].System);
        var primaryFile = await StoredOnEveryReplica(cluster, client, "rot/get");

        Corrupt(primaryFile, 3 * 65536 + 10);
        Corrupt(primaryFile, Content.Length - 5); // the last, partial block too

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(Content, await client.GetAsync("rot/get"));
        output.WriteLine($"get of {Content.Length} bytes with two corrupt primary blocks: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(Content, ReadBehindHyDfs(primaryFile));
    }

    [Fact]
    public async Task A_merge_repairs_the_corrupted_primary_first_and_never_spreads_its_bad_bytes_to_the_replicas()
    {
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"], hocon: "rainstorm.hydfs.chunk-size = 64KiB");
        var client = HyDfsClient.For(cluster[0].System);
        var primaryFile = await StoredOnEveryReplica(cluster, client, "rot/merge");

        Corrupt(primaryFile, 65536 + 100);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await client.MergeAsync("rot/merge");
        output.WriteLine($"merge with a corrupt primary block: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(Content, ReadBehindHyDfs(primaryFile));
        var location = await client.LsAsync("rot/merge");
        var copy = Path.Combine(cluster.Root, "replica-copy");
        foreach (var replica in location.Replicas)
        {
            await client.GetFromReplicaAsync(replica.Node, "rot/merge", copy);
            Assert.Equal(Content, await File.ReadAllBytesAsync(copy));
        }
    }

    /// <summary>Creates the file and waits until every replica holds all of it; returns the primary's data file.</summary>
    private static async Task<string> StoredOnEveryReplica(TestCluster cluster, HyDfsClient client, string name)
    {
        await client.CreateAsync(name, Content);
        var location = await client.LsAsync(name);
        Assert.Equal(3, location.Replicas.Count);
        var files = location.Replicas.Select(r => DataFile(cluster.Nodes.Single(n => n.Address == r.Node), name)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!files.All(f => File.Exists(f) && new FileInfo(f).Length == Content.Length))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the replicas never got the whole file");
            await Task.Delay(100);
        }
        return files[0];
    }

    private static string DataFile(TestNode node, string name) =>
        Path.Combine(node.Options.DataDir, "hydfs", FileNames.DiskKey(name) + ".dat");

    /// <summary>Overwrites bytes in place behind HyDFS's back; the length stays the same.</summary>
    private static void Corrupt(string dataFile, long offset)
    {
        using (var handle = File.OpenHandle(dataFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            RandomAccess.Write(handle, "XXXX"u8, offset);
        Assert.NotEqual(Content, ReadBehindHyDfs(dataFile));
    }

    private static byte[] ReadBehindHyDfs(string dataFile)
    {
        using var stream = new FileStream(dataFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
