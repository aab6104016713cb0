using Akka.Configuration;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Ring;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>The consistent-hashing ring on its own, and the replication factor read from HOCON.</summary>
public sealed class HashRingSpec
{
    private static readonly string[] FiveNodes = ["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055", "127.0.0.1:4056", "127.0.0.1:4057"];

    [Fact]
    public void Members_are_sorted_by_their_stable_hash()
    {
        var ring = new HashRing(FiveNodes.Reverse().Append(FiveNodes[0]));
        Assert.Equal(5, ring.Members.Count);
        Assert.Equal(FiveNodes.Select(StableHash.Of).Order(), ring.Members.Select(m => m.RingId));
        Assert.All(ring.Members, m => Assert.Equal(StableHash.Of(m.Node), m.RingId));
    }

    [Fact]
    public void A_file_lives_on_the_first_successors_of_its_id_wrapping_around()
    {
        var ring = new HashRing(FiveNodes);
        var ids = ring.Members.Select(m => m.RingId).ToList();
        var checkedWrap = false;
        for (var i = 0; i < 500; i++)
        {
            var name = $"file-{i}";
            var id = HashRing.FileId(name);
            var replicas = ring.Replicas(name, 3);
            // the primary is the first node at or after the file's id, or the lowest node when the id is past the last
            var first = ids.FindIndex(r => r >= id);
            if (first < 0)
            {
                first = 0;
                checkedWrap = true;
            }
            var expected = Enumerable.Range(first, 3).Select(k => ring.Members[k % 5].Node).ToList();
            Assert.Equal(expected, replicas.Select(r => r.Node));
            Assert.Equal(expected[0], ring.Primary(name));
        }
        Assert.True(checkedWrap, "no file id fell past the last node: the wrap-around was not exercised");
    }

    [Fact]
    public void Fewer_nodes_than_the_replication_factor_means_fewer_copies()
    {
        Assert.Equal(2, new HashRing(FiveNodes.Take(2)).Replicas("x", 3).Count);
        Assert.Single(new HashRing(FiveNodes.Take(1)).Replicas("x", 3));
        Assert.Empty(HashRing.Empty.Replicas("x", 3));
        Assert.Null(HashRing.Empty.Primary("x"));
        Assert.Equal(5, new HashRing(FiveNodes).Replicas("x", 7).Select(r => r.Node).Distinct().Count());
    }

    [Fact]
    public void Removing_a_node_moves_only_the_files_it_held()
    {
        var before = new HashRing(FiveNodes);
        var gone = FiveNodes[2];
        var after = new HashRing(FiveNodes.Where(n => n != gone));
        for (var i = 0; i < 300; i++)
        {
            var name = $"f{i}";
            var old = before.Replicas(name, 3).Select(r => r.Node).ToList();
            var now = after.Replicas(name, 3).Select(r => r.Node).ToList();
            if (!old.Contains(gone)) Assert.Equal(old, now);
            else Assert.Equal(old.Where(n => n != gone), now.Take(2));
        }
    }

    [Fact]
    public void File_ids_are_the_same_in_every_process_and_run()
    {
        // XxHash64 of the UTF-8 name (a fixed value: string.GetHashCode would differ per process)
        Assert.Equal(unchecked((long)System.IO.Hashing.XxHash64.HashToUInt64("Traffic_Signs.csv"u8)), HashRing.FileId("Traffic_Signs.csv"));
        Assert.Equal(HashRing.FileId("a"), StableHash.Of("a"));
        Assert.NotEqual(HashRing.FileId("a"), HashRing.FileId("b"));
    }

    [Fact]
    public void The_replication_factor_and_the_other_settings_come_from_hocon()
    {
        var defaults = HyDfsSettings.Create(RainStormHocon.Default.GetConfig("rainstorm.hydfs"));
        Assert.Equal(3, defaults.ReplicationFactor);
        Assert.Equal(1024 * 1024, defaults.ChunkSize);
        Assert.True(defaults.Fsync);

        var two = HyDfsSettings.Create(ConfigurationFactory.ParseString("rainstorm.hydfs.replication-factor = 2")
            .WithFallback(RainStormHocon.Default).GetConfig("rainstorm.hydfs"));
        Assert.Equal(2, two.ReplicationFactor);

        var zero = Assert.Throws<InvalidOperationException>(() =>
            HyDfsSettings.Create(ConfigurationFactory.ParseString("replication-factor = 0")));
        Assert.Contains("replication-factor", zero.Message);
        var huge = Assert.Throws<InvalidOperationException>(() =>
            HyDfsSettings.Create(ConfigurationFactory.ParseString("chunk-size = 8MiB")));
        Assert.Contains("chunk-size", huge.Message);
    }
}
