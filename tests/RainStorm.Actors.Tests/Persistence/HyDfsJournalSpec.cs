using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>
/// The journal conformance cases of Akka.Persistence.TCK's JournalSpec, run against the HyDFS journal of a
/// 3-node cluster through the journal protocol (as the TCK does).
/// </summary>
public sealed class HyDfsJournalSpec(PersistenceCluster fixture) : TestKit, IClassFixture<PersistenceCluster>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private ActorSystem Node => fixture.Cluster[1].System;
    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Node).JournalFor(null);
    private readonly string _writerGuid = Guid.NewGuid().ToString();

    private (string Pid, TestProbe Probe) Fresh() => ($"journal-spec/{Guid.NewGuid():N}", CreateTestProbe(Node));

    private void WriteMessages(string pid, TestProbe probe, int from, int to)
    {
        var writes = Enumerable.Range(from, to - from + 1)
            .Select(i => (IPersistentEnvelope)new AtomicWrite(new Persistent($"a-{i}", i, pid, "", false, ActorRefs.NoSender, _writerGuid)))
            .ToList();
        Journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(Wait);
        for (var i = from; i <= to; i++)
        {
            var n = i;
            probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == n && (string)m.Persistent.Payload == $"a-{n}", Wait);
        }
    }

    private IActorRef JournalOn(int node) => Akka.Persistence.Persistence.Instance.Apply(fixture.Cluster[node].System).JournalFor(null);

    private List<long> Replay(string pid, TestProbe probe, long from, long to, long max, long expectHighest, IActorRef? journal = null)
    {
        (journal ?? Journal).Tell(new ReplayMessages(from, to, max, pid, probe.Ref));
        var replayed = new List<long>();
        while (true)
        {
            var message = probe.ReceiveOne(Wait);
            switch (message)
            {
                case ReplayedMessage r:
                    Assert.Equal($"a-{r.Persistent.SequenceNr}", r.Persistent.Payload);
                    Assert.Equal(pid, r.Persistent.PersistenceId);
                    Assert.Equal(_writerGuid, r.Persistent.WriterGuid);
                    replayed.Add(r.Persistent.SequenceNr);
                    break;
                case RecoverySuccess s:
                    Assert.Equal(expectHighest, s.HighestSequenceNr);
                    return replayed;
                default:
                    throw new Xunit.Sdk.XunitException($"unexpected {message}");
            }
        }
    }

    [Theory]
    [InlineData(1, long.MaxValue, long.MaxValue, new long[] { 1, 2, 3, 4, 5 })]
    [InlineData(3, long.MaxValue, long.MaxValue, new long[] { 3, 4, 5 })]
    [InlineData(1, 3, long.MaxValue, new long[] { 1, 2, 3 })]
    [InlineData(1, long.MaxValue, 3, new long[] { 1, 2, 3 })]
    [InlineData(2, 3, long.MaxValue, new long[] { 2, 3 })]
    [InlineData(2, 5, 2, new long[] { 2, 3 })]
    [InlineData(2, 3, 1, new long[] { 2 })]
    [InlineData(2, 4, 1, new long[] { 2 })]
    [InlineData(2, 4, 0, new long[0])]
    [InlineData(0, long.MaxValue, long.MaxValue, new long[] { 1, 2, 3, 4, 5 })]
    [InlineData(2, 2, long.MaxValue, new long[] { 2 })]
    [InlineData(3, 2, long.MaxValue, new long[0])]
    [InlineData(1, long.MaxValue, 0, new long[0])]
    public void Replays_within_the_from_to_and_max_bounds(long from, long to, long max, long[] expected)
    {
        var (pid, probe) = Fresh();
        WriteMessages(pid, probe, 1, 5);
        Assert.Equal(expected, Replay(pid, probe, from, to, max, expectHighest: 5));
    }

    [Fact]
    public void An_unknown_persistence_id_replays_nothing_and_has_highest_zero()
    {
        var (pid, probe) = Fresh();
        Assert.Empty(Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 0));
    }

    [Fact]
    public void Deleted_messages_are_not_replayed_and_the_highest_sequence_number_stays()
    {
        var (pid, probe) = Fresh();
        WriteMessages(pid, probe, 1, 5);
        Journal.Tell(new DeleteMessagesTo(pid, 3, probe.Ref));
        probe.ExpectMsg<DeleteMessagesSuccess>(m => m.ToSequenceNr == 3, Wait);
        Assert.Equal([4, 5], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 5));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // the journal of another node sees the same deletion
        Assert.Equal([4, 5], Replay(pid, CreateTestProbe(fixture.Cluster[0].System), 1, long.MaxValue, long.MaxValue, expectHighest: 5, journal: JournalOn(0)));
    }

    [Fact]
    public void Deleting_everything_never_resets_the_highest_sequence_number()
    {
        var (pid, probe) = Fresh();
        WriteMessages(pid, probe, 1, 5);
        Journal.Tell(new DeleteMessagesTo(pid, long.MaxValue, probe.Ref));
        probe.ExpectMsg<DeleteMessagesSuccess>(Wait);
        Assert.Empty(Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 5));
        WriteMessages(pid, probe, 6, 7);
        Assert.Equal([6, 7], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 7));
    }

    [Fact]
    public void An_atomic_write_of_several_events_is_stored_and_replayed_as_a_whole()
    {
        var (pid, probe) = Fresh();
        var events = Enumerable.Range(1, 4)
            .Select(i => (IPersistentRepresentation)new Persistent($"a-{i}", i, pid, "", false, ActorRefs.NoSender, _writerGuid))
            .ToImmutableList();
        Journal.Tell(new WriteMessages([new AtomicWrite(events)], probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(Wait);
        for (var i = 1; i <= 4; i++) probe.ExpectMsg<WriteMessageSuccess>(Wait);
        Assert.Equal([1, 2, 3, 4], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 4));
        Assert.Equal([2, 3], Replay(pid, probe, 2, 3, long.MaxValue, expectHighest: 4));
    }

    [Fact]
    public void A_non_serializable_event_is_rejected_and_the_others_are_written()
    {
        var (pid, probe) = Fresh();
        var writes = new List<IPersistentEnvelope>
        {
            new AtomicWrite(new Persistent("a-1", 1, pid, "", false, ActorRefs.NoSender, _writerGuid)),
            new AtomicWrite(new Persistent(new NotSerializable("test"), 2, pid, "", false, ActorRefs.NoSender, _writerGuid)),
            new AtomicWrite(new Persistent("a-3", 3, pid, "", false, ActorRefs.NoSender, _writerGuid)),
        };
        Journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(Wait);
        probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == 1, Wait);
        probe.ExpectMsg<WriteMessageRejected>(m => m.Persistent.SequenceNr == 2, Wait);
        probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == 3, Wait);
        Assert.Equal([1, 3], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 3));
    }

    [Fact]
    public void Events_are_serialized_with_akka_serialization_and_come_back_equal()
    {
        var (pid, probe) = Fresh();
        var payload = new Custom("hello", 42, [1, 2, 3]);
        Journal.Tell(new WriteMessages([new AtomicWrite(new Persistent(payload, 1, pid, "custom-manifest", false, ActorRefs.NoSender, _writerGuid))], probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(Wait);
        probe.ExpectMsg<WriteMessageSuccess>(Wait);
        Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, pid, probe.Ref));
        var replayed = probe.ExpectMsg<ReplayedMessage>(Wait).Persistent;
        var back = Assert.IsType<Custom>(replayed.Payload);
        Assert.Equal(payload.Text, back.Text);
        Assert.Equal(payload.Number, back.Number);
        Assert.Equal(payload.Items, back.Items);
        Assert.Equal("custom-manifest", replayed.Manifest);
        probe.ExpectMsg<RecoverySuccess>(m => m.HighestSequenceNr == 1, Wait);
    }

    [Fact]
    public async Task Events_written_after_a_torn_record_are_replayed()
    {
        var (pid, probe) = Fresh();
        WriteMessages(pid, probe, 1, 3);
        // the first bytes of a record whose writer died (the journal never splits a record; a big snapshot is split)
        var torn = RecordLog.Frame(new byte[5000])[..1000];
        await HyDfsClient.For(Node).AppendAsync(RecordLog.FileName("journal", pid), torn);
        Assert.Equal([1, 2, 3], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 3));
        WriteMessages(pid, probe, 4, 5);
        Assert.Equal([1, 2, 3, 4, 5], Replay(pid, probe, 1, long.MaxValue, long.MaxValue, expectHighest: 5));
    }

    [Fact]
    public void An_event_holding_an_actor_ref_replays_on_another_node_as_the_same_actor()
    {
        var (pid, probe) = Fresh();
        var target = CreateTestProbe(Node);
        var written = new Persistent(new RefPayload(target.Ref), 1, pid, null, false, null, _writerGuid);
        Journal.Tell(new WriteMessages([new AtomicWrite(written)], probe.Ref, 1));
        probe.ExpectMsg<WriteMessagesSuccessful>(Wait);
        probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == 1 && (m.Persistent.Sender == null || m.Persistent.Sender.Equals(Node.DeadLetters)), Wait);

        var other = CreateTestProbe(fixture.Cluster[2].System);
        JournalOn(2).Tell(new ReplayMessages(0, 1, long.MaxValue, pid, other.Ref));
        var replayed = other.ExpectMsg<ReplayedMessage>(Wait).Persistent;
        Assert.Equal(pid, replayed.PersistenceId);
        Assert.Equal(1, replayed.SequenceNr);
        Assert.Equal(_writerGuid, replayed.WriterGuid);
        Assert.False(replayed.IsDeleted);
        var back = Assert.IsType<RefPayload>(replayed.Payload).Ref;
        Assert.Equal(target.Ref.Path.ToStringWithAddress(Akka.Cluster.Cluster.Get(Node).SelfAddress), back.Path.ToString());
        other.ExpectMsg<RecoverySuccess>(m => m.HighestSequenceNr == 1, Wait);
        back.Tell("through the replayed ref");
        target.ExpectMsg("through the replayed ref", Wait);
    }

}
