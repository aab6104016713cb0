using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Persistence;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>The conformance cases of Akka.Persistence.TCK's SnapshotStoreSpec against the HyDFS snapshot store (3 nodes).</summary>
public sealed class HyDfsSnapshotStoreSpec(PersistenceCluster fixture) : TestKit, IClassFixture<PersistenceCluster>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private ActorSystem Node => fixture.Cluster[2].System;
    private IActorRef Store => Akka.Persistence.Persistence.Instance.Apply(Node).SnapshotStoreFor(null);

    private (string Pid, TestProbe Probe, List<SnapshotMetadata> Saved) WithFiveSnapshots()
    {
        var pid = $"snapshot-spec/{Guid.NewGuid():N}";
        var probe = CreateTestProbe(Node);
        var saved = new List<SnapshotMetadata>();
        for (var i = 1; i <= 5; i++)
        {
            var metadata = new SnapshotMetadata(pid, i + 10, new DateTime(2026, 1, 1, 0, 0, i, DateTimeKind.Utc));
            Store.Tell(new SaveSnapshot(metadata, $"s-{i}"), probe.Ref);
            saved.Add(probe.ExpectMsg<SaveSnapshotSuccess>(Wait).Metadata);
        }
        return (pid, probe, saved);
    }

    private SelectedSnapshot? Load(TestProbe probe, string pid, SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        Store.Tell(new LoadSnapshot(pid, criteria, toSequenceNr), probe.Ref);
        var result = probe.ExpectMsg<LoadSnapshotResult>(Wait);
        Assert.Equal(toSequenceNr, result.ToSequenceNr);
        return result.Snapshot;
    }

    [Fact]
    public void An_unknown_persistence_id_has_no_snapshot()
    {
        var probe = CreateTestProbe(Node);
        Assert.Null(Load(probe, $"snapshot-spec/{Guid.NewGuid():N}", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public void Non_matching_criteria_load_nothing()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        Assert.Null(Load(probe, pid, new SnapshotSelectionCriteria(long.MaxValue, saved[0].Timestamp.AddSeconds(-1))));
        Assert.Null(Load(probe, pid, new SnapshotSelectionCriteria(10)));
        Assert.Null(Load(probe, pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 7));
        Assert.Null(Load(probe, pid, new SnapshotSelectionCriteria(long.MaxValue, new DateTime(100000))));
    }

    [Fact]
    public void The_latest_snapshot_is_loaded()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        var loaded = Load(probe, pid, SnapshotSelectionCriteria.Latest);
        Assert.NotNull(loaded);
        Assert.Equal(saved[4].SequenceNr, loaded.Metadata.SequenceNr);
        Assert.Equal(saved[4].Timestamp, loaded.Metadata.Timestamp);
        Assert.Equal("s-5", loaded.Snapshot);
    }

    [Fact]
    public void The_latest_snapshot_within_sequence_and_timestamp_bounds_is_loaded()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        Assert.Equal("s-3", Load(probe, pid, new SnapshotSelectionCriteria(saved[2].SequenceNr))!.Snapshot);
        Assert.Equal("s-2", Load(probe, pid, new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[1].Timestamp))!.Snapshot);
        Assert.Equal("s-3", Load(probe, pid, new SnapshotSelectionCriteria(13), toSequenceNr: 13)!.Snapshot);
        Assert.Equal(saved[2], Load(probe, pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 13)!.Metadata);
        Assert.Equal(saved[2], Load(probe, pid, new SnapshotSelectionCriteria(13, saved[2].Timestamp))!.Metadata);
        Assert.Equal(saved[2], Load(probe, pid, new SnapshotSelectionCriteria(long.MaxValue, saved[2].Timestamp), toSequenceNr: 13)!.Metadata);
    }

    [Fact]
    public void A_single_snapshot_is_deleted_by_its_metadata()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        Store.Tell(new DeleteSnapshot(saved[4]), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotSuccess>(Wait);
        Assert.Equal("s-4", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
        // a metadata without timestamp deletes by sequence number
        Store.Tell(new DeleteSnapshot(new SnapshotMetadata(pid, saved[3].SequenceNr, DateTime.MinValue)), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotSuccess>(Wait);
        Assert.Equal("s-3", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
    }

    [Fact]
    public void Snapshots_matching_criteria_are_deleted_and_others_stay()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        var criteria = new SnapshotSelectionCriteria(saved[2].SequenceNr, saved[2].Timestamp);
        Store.Tell(new DeleteSnapshots(pid, criteria), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotsSuccess>(m => m.Criteria.Equals(criteria), Wait);
        Assert.Null(Load(probe, pid, new SnapshotSelectionCriteria(saved[2].SequenceNr)));
        Assert.Equal("s-5", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);

        // an upper timestamp bound one tick below a snapshot's keeps that snapshot
        var justBelow = new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[3].Timestamp.Subtract(TimeSpan.FromTicks(1)));
        Store.Tell(new DeleteSnapshots(pid, justBelow), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotsSuccess>(m => m.Criteria.Equals(justBelow), Wait);
        Assert.Equal(saved[3], Load(probe, pid, new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[3].Timestamp))!.Metadata);

        // an upper timestamp bound below every snapshot deletes nothing
        Store.Tell(new DeleteSnapshots(pid, new SnapshotSelectionCriteria(long.MaxValue, saved[0].Timestamp.AddSeconds(-1))), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotsSuccess>(Wait);
        Assert.Equal("s-5", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
    }

    [Fact]
    public void A_snapshot_saved_again_with_the_same_sequence_number_overwrites()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        var again = new SnapshotMetadata(pid, saved[4].SequenceNr, saved[4].Timestamp);
        Store.Tell(new SaveSnapshot(again, "s-5-again"), probe.Ref);
        probe.ExpectMsg<SaveSnapshotSuccess>(Wait);
        Assert.Equal("s-5-again", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
    }

    [Fact]
    public async Task Snapshots_saved_after_a_torn_one_are_loaded()
    {
        var (pid, probe, saved) = WithFiveSnapshots();
        // a snapshot bigger than one atomic append whose writer died after its first piece
        var torn = RecordLog.Frame(new byte[3 * 1024 * 1024])[..(1024 * 1024)];
        await HyDfsClient.For(Node).AppendAsync(RecordLog.FileName("snapshots", pid), torn);
        Assert.Equal(saved[4], Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Metadata);

        var next = new SnapshotMetadata(pid, 20, saved[4].Timestamp.AddSeconds(1));
        Store.Tell(new SaveSnapshot(next, "s-6"), probe.Ref);
        probe.ExpectMsg<SaveSnapshotSuccess>(Wait);
        Assert.Equal("s-6", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
        Store.Tell(new DeleteSnapshot(next), probe.Ref);
        probe.ExpectMsg<DeleteSnapshotSuccess>(Wait);
        Assert.Equal("s-5", Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
    }

    [Fact]
    public void A_snapshot_holding_an_actor_ref_loads_on_another_node_as_the_same_actor()
    {
        var pid = $"snapshot-spec/{Guid.NewGuid():N}";
        var probe = CreateTestProbe(Node);
        var target = CreateTestProbe(Node);
        var metadata = new SnapshotMetadata(pid, 100, DateTime.UtcNow);
        Store.Tell(new SaveSnapshot(metadata, new RefPayload(target.Ref)), probe.Ref);
        probe.ExpectMsg<SaveSnapshotSuccess>(m => m.Metadata.PersistenceId == pid && m.Metadata.SequenceNr == 100, Wait);

        var otherNode = fixture.Cluster[0].System;
        var other = CreateTestProbe(otherNode);
        Akka.Persistence.Persistence.Instance.Apply(otherNode).SnapshotStoreFor(null)
            .Tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.Latest, long.MaxValue), other.Ref);
        var loaded = other.ExpectMsg<LoadSnapshotResult>(Wait).Snapshot;
        Assert.NotNull(loaded);
        Assert.Equal(metadata, loaded.Metadata);
        var back = Assert.IsType<RefPayload>(loaded.Snapshot).Ref;
        back.Tell("through the loaded ref");
        target.ExpectMsg("through the loaded ref", Wait);
    }

    [Fact]
    public void A_byte_array_snapshot_of_10000_bytes_round_trips()
    {
        var pid = $"snapshot-spec/{Guid.NewGuid():N}";
        var probe = CreateTestProbe(Node);
        var bytes = new byte[10000];
        new Random(5).NextBytes(bytes);
        Store.Tell(new SaveSnapshot(new SnapshotMetadata(pid, 100, DateTime.UtcNow), bytes), probe.Ref);
        probe.ExpectMsg<SaveSnapshotSuccess>(Wait);
        Assert.Equal(bytes, Assert.IsType<byte[]>(Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot));
    }

    [Fact]
    public void Big_snapshots_and_custom_serializers_round_trip()
    {
        var pid = $"snapshot-spec/{Guid.NewGuid():N}";
        var probe = CreateTestProbe(Node);
        var big = new Custom(new string('x', 3 * 1024 * 1024), 7, Enumerable.Range(0, 1000).ToArray());
        Store.Tell(new SaveSnapshot(new SnapshotMetadata(pid, 100, DateTime.UtcNow), big), probe.Ref);
        probe.ExpectMsg<SaveSnapshotSuccess>(Wait);
        var loaded = Assert.IsType<Custom>(Load(probe, pid, SnapshotSelectionCriteria.Latest)!.Snapshot);
        Assert.Equal(big.Text, loaded.Text);
        Assert.Equal(big.Items, loaded.Items);
    }
}
