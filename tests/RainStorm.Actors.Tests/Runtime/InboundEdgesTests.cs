using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class InboundEdgesTests
{
    private static readonly Edge A = new("job-1", 0, 0, 1);
    private static readonly Edge B = new("job-1", 0, 1, 1);

    [Fact]
    public void A_retried_batch_is_pending_while_queued_and_done_once_processed()
    {
        var inbound = new InboundEdges([A, B]);

        Assert.Equal(Arrival.New, inbound.Receive(A, 1));
        Assert.Equal(Arrival.Pending, inbound.Receive(A, 1));
        inbound.Complete(A, 1, endOfStream: false);
        Assert.Equal(Arrival.Done, inbound.Receive(A, 1));
        Assert.Equal(Arrival.New, inbound.Receive(B, 1));
    }

    [Fact]
    public void Out_of_order_completions_are_remembered_until_the_gap_closes()
    {
        var inbound = new InboundEdges([A]);
        foreach (var seq in new long[] { 3, 1, 2, 5 }) Assert.Equal(Arrival.New, inbound.Receive(A, seq));
        inbound.Complete(A, 3, false);
        inbound.Complete(A, 5, false);

        Assert.Equal(Arrival.Done, inbound.Receive(A, 3));
        Assert.Equal(Arrival.Done, inbound.Receive(A, 5));
        Assert.Equal(Arrival.New, inbound.Receive(A, 4));
        inbound.Complete(A, 1, false);
        inbound.Complete(A, 2, false);
        inbound.Complete(A, 4, false);
        foreach (var seq in new long[] { 1, 2, 3, 4, 5 }) Assert.Equal(Arrival.Done, inbound.Receive(A, seq));
        Assert.Equal(Arrival.New, inbound.Receive(A, 6));
    }

    [Fact]
    public void The_input_ends_only_when_every_expected_edge_has_ended()
    {
        var inbound = new InboundEdges([A, B]);
        inbound.Receive(A, 1);
        inbound.Complete(A, 1, endOfStream: true);
        Assert.False(inbound.AllEnded);
        inbound.Receive(B, 1);
        inbound.Complete(B, 1, endOfStream: true);
        Assert.True(inbound.AllEnded);
    }

    [Fact]
    public void A_batch_on_an_edge_that_does_not_feed_this_task_is_rejected()
    {
        var inbound = new InboundEdges([A]);
        Assert.False(inbound.Knows(B));
        Assert.Throws<InvalidOperationException>(() => inbound.Receive(B, 1));
    }

    [Fact]
    public void Forget_drops_ended_and_never_used_edges_but_keeps_a_live_one()
    {
        var c = new Edge("job-1", 0, 2, 1);
        var inbound = new InboundEdges([A, B, c]);
        inbound.Receive(A, 1);
        inbound.Complete(A, 1, endOfStream: true);
        inbound.Receive(B, 1);
        inbound.Complete(B, 1, endOfStream: false);

        var dropped = inbound.Forget([A, B, c]);

        Assert.Equal([A, c], dropped);
        Assert.True(inbound.Knows(B));
        Assert.False(inbound.Knows(A));
        Assert.False(inbound.Knows(c));
    }

    [Fact]
    public void A_replayed_round_on_an_edge_not_expected_now_is_known_again_until_a_replayed_forget()
    {
        var inbound = new InboundEdges([A]);

        inbound.Replay(B, 1, endOfStream: false);
        Assert.Equal(Arrival.Done, inbound.Receive(B, 1));
        Assert.False(inbound.AllEnded);
        inbound.Replay(B, 2, endOfStream: true);
        Assert.Equal([B], inbound.Forget([B]));

        // A later sender of the same index starts a fresh edge: its seq 1 is new, not shadowed by the old marks.
        inbound.Expect([B]);
        Assert.Equal(Arrival.New, inbound.Receive(B, 1));
    }

    [Fact]
    public void Restored_marks_bring_back_edges_not_expected_now()
    {
        var before = new InboundEdges([A, B]);
        before.Receive(B, 1);
        before.Complete(B, 1, endOfStream: false);

        var after = new InboundEdges([A]);
        after.Restore(before.Marks());

        Assert.Equal(Arrival.Done, after.Receive(B, 1));
        Assert.Equal(Arrival.New, after.Receive(B, 2));
    }
}
