using System.Text;
using Microsoft.Win32.SafeHandles;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Bytes of one replica's file flipped on disk behind HyDFS's back (bit rot, a bad sector): the replica refuses
/// to serve the block whose checksum no longer matches (and repairs it from another copy), and merge, which compares
/// every block's CRC-32 with the primary's, leaves that copy byte-identical to the primary's.</summary>
public sealed class HyDfsCorruptReplicaSpec
{
    [Fact]
    public async Task A_replica_corrupted_on_disk_refuses_to_serve_the_bad_block_and_is_byte_identical_to_the_primary_after_merge()
    {
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"], hocon: "rainstorm.hydfs.chunk-size = 64KiB");
        var client = HyDfsClient.For(cluster[0].System);
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i:D6}\n")));
        await client.CreateAsync("rot/file", content);
        var location = await client.LsAsync("rot/file");
        var victim = cluster.Nodes.Single(n => n.Address == location.Replicas[^1].Node);
        var dataFile = Path.Combine(victim.Options.DataDir, "hydfs", FileNames.DiskKey("rot/file") + ".dat");
        await Eventually(() => File.Exists(dataFile) && new FileInfo(dataFile).Length == content.Length);

        // Flip bytes in the middle of the third 64 KiB block; the length stays the same.
        using (var handle = File.OpenHandle(dataFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            RandomAccess.Write(handle, "XXXXXXXX"u8, 2 * 65536 + 100);
        var copy = Path.Combine(cluster.Root, "victim-copy");
        var refused = await Assert.ThrowsAsync<HyDfsException>(() => client.GetFromReplicaAsync(victim.Address, "rot/file", copy));
        Assert.Contains("failed its checksum", refused.Message);

        await client.MergeAsync("rot/file");

        await client.GetFromReplicaAsync(victim.Address, "rot/file", copy);
        Assert.Equal(content, await File.ReadAllBytesAsync(copy));
        Assert.Equal(content, await client.GetAsync("rot/file"));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the replica never got the file");
            await Task.Delay(100);
        }
    }
}
