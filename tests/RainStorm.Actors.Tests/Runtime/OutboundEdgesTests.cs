using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class OutboundEdgesTests() : TestKit(RuntimeTestConfig.Local())
{
    private static readonly TransportSettings Settings = new(
        MaxBatchBytes: 1024, FlushInterval: TimeSpan.FromMilliseconds(5), Window: 3, RetryTimeout: TimeSpan.FromMilliseconds(300), ReadyLimit: 2);

    private static StreamTuple T(int i) => new($"f:{i}", $"value number {i:D6}");

    private OutboundEdges Create(TestProbe[] destinations, TransportSettings? settings = null) =>
        new("job-1", 1, 0, destinations.Length, settings ?? Settings, TestActor, d => destinations[d].Ref);

    [Fact]
    public void At_most_window_batches_are_unacknowledged_and_each_ack_releases_one_more()
    {
        var probe = CreateTestProbe();
        var edges = Create([probe]);
        for (var i = 0; i < 200; i++) edges.Add(0, T(i));
        edges.Pump();

        var first = Enumerable.Range(0, Settings.Window).Select(_ => probe.ExpectMsg<TupleBatch>()).ToList();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal([1L, 2L, 3L], first.Select(b => b.Seq));
        Assert.False(edges.HasRoom);

        edges.OnAck(new BatchAck(first[0].Edge, first[0].Seq));
        Assert.Equal(4, probe.ExpectMsg<TupleBatch>().Seq);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Batches_are_bounded_in_bytes_and_keep_every_tuple_in_order()
    {
        var probe = CreateTestProbe();
        var edges = Create([probe], Settings with { Window = 1000, ReadyLimit = 1000 });
        for (var i = 0; i < 500; i++) edges.Add(0, T(i));
        edges.Flush(force: true);

        var received = new List<StreamTuple>();
        while (received.Count < 500)
        {
            var batch = probe.ExpectMsg<TupleBatch>();
            var chars = batch.Tuples.Sum(t => t.Key.Length + t.Value.Length + 8);
            Assert.InRange(chars, 1, Settings.MaxBatchBytes + 64);
            received.AddRange(batch.Tuples);
        }
        Assert.Equal(Enumerable.Range(0, 500).Select(T), received);
    }

    [Fact]
    public void A_partial_batch_waits_for_the_flush_interval_unless_forced()
    {
        var probe = CreateTestProbe();
        var edges = Create([probe], Settings with { FlushInterval = TimeSpan.FromHours(1) });
        edges.Add(0, T(1));
        edges.Flush();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        edges.Flush(force: true);
        Assert.Equal([T(1)], probe.ExpectMsg<TupleBatch>().Tuples);
    }

    [Fact]
    public void An_unacknowledged_batch_is_resent_with_the_same_seq_until_acknowledged()
    {
        var probe = CreateTestProbe();
        var edges = Create([probe]);
        edges.Add(0, T(1));
        edges.Flush(force: true);
        var sent = probe.ExpectMsg<TupleBatch>();

        AwaitAssert(() => Assert.True(edges.RetryDue() > 0), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        var resent = probe.ExpectMsg<TupleBatch>();
        Assert.Equal(sent.Seq, resent.Seq);
        Assert.Equal(sent.Tuples, resent.Tuples);
        Assert.Equal(1, edges.Retries);

        edges.OnAck(new BatchAck(sent.Edge, sent.Seq));
        Assert.Equal(0, edges.Unacked);
        Assert.Equal(0, edges.RetryDue());
    }

    [Fact]
    public void A_routing_change_resends_what_is_unacknowledged_to_the_new_destination()
    {
        var old = CreateTestProbe();
        var moved = CreateTestProbe();
        var edges = Create([old]);
        edges.Add(0, T(1));
        edges.Flush(force: true);
        var sent = old.ExpectMsg<TupleBatch>();

        edges.Reroute(_ => moved.Ref);

        Assert.Equal(sent.Seq, moved.ExpectMsg<TupleBatch>().Seq);
        edges.Add(0, T(2));
        edges.Flush(force: true);
        Assert.Equal(sent.Seq + 1, moved.ExpectMsg<TupleBatch>().Seq);
        old.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Finishing_ends_every_edge_and_drains_only_when_everything_is_acknowledged()
    {
        var probes = new[] { CreateTestProbe(), CreateTestProbe() };
        var edges = Create(probes);
        edges.Add(1, T(1));
        edges.Finish();

        var data = probes[1].ExpectMsg<TupleBatch>();
        var end1 = probes[1].ExpectMsg<TupleBatch>();
        var end0 = probes[0].ExpectMsg<TupleBatch>();
        Assert.True(end0.EndOfStream && end1.EndOfStream && !data.EndOfStream);
        Assert.Equal(data.Seq + 1, end1.Seq);
        Assert.False(edges.Drained);

        foreach (var batch in new[] { data, end1, end0 }) edges.OnAck(new BatchAck(batch.Edge, batch.Seq));
        Assert.True(edges.Drained);
    }

    [Fact]
    public void Acks_for_other_edges_or_unknown_seqs_change_nothing()
    {
        var probe = CreateTestProbe();
        var edges = Create([probe]);
        edges.Add(0, T(1));
        edges.Flush(force: true);
        var sent = probe.ExpectMsg<TupleBatch>();

        edges.OnAck(new BatchAck(sent.Edge with { JobId = "job-2" }, sent.Seq));
        edges.OnAck(new BatchAck(sent.Edge, sent.Seq + 10));
        Assert.Equal(1, edges.Unacked);
    }
}
