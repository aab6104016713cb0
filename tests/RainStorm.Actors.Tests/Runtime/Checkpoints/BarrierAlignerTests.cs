using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime.Checkpoints;

public sealed class BarrierAlignerTests
{
    private static readonly Edge A = new("job-1", 0, 0, 0);
    private static readonly Edge B = new("job-1", 0, 1, 0);

    private static InboundEdges Inbound() => new([A, B]);

    [Fact]
    public void Aligned_a_batch_behind_its_edges_barrier_waits_and_the_checkpoint_is_reached_once_every_edge_passed_its_barrier()
    {
        var inbound = Inbound();
        var aligner = new BarrierAligner(CheckpointMode.Aligned);
        inbound.Complete(A, 1, false);
        aligner.Arrived(5, A, 2);
        inbound.Complete(A, 2, false);
        Assert.True(aligner.Blocks(A, 3));
        Assert.False(aligner.Blocks(B, 1));
        Assert.False(aligner.Reached(inbound));

        aligner.Arrived(5, B, 2);
        Assert.False(aligner.Reached(inbound)); // batch 1 of B is not processed yet: no gap may remain before a barrier
        inbound.Complete(B, 2, false);
        Assert.False(aligner.Reached(inbound));
        inbound.Complete(B, 1, false);
        Assert.True(aligner.Reached(inbound));
        Assert.Equal(5, aligner.Complete());
        Assert.False(aligner.Blocks(A, 3));
        Assert.Equal(0, aligner.Checkpoint);
    }

    [Fact]
    public void Unaligned_nothing_waits_but_the_checkpoint_is_still_reached_only_after_every_barrier()
    {
        var inbound = Inbound();
        var aligner = new BarrierAligner(CheckpointMode.Unaligned);
        aligner.Arrived(7, A, 1);
        inbound.Complete(A, 1, false);
        Assert.False(aligner.Blocks(A, 2));
        Assert.False(aligner.Reached(inbound));
        aligner.Arrived(7, B, 1);
        inbound.Complete(B, 1, false);
        Assert.True(aligner.Reached(inbound));
    }

    [Fact]
    public void An_ended_edge_counts_as_aligned_and_a_trigger_starts_a_checkpoint_with_no_barrier_to_come()
    {
        var inbound = Inbound();
        var aligner = new BarrierAligner(CheckpointMode.Aligned);
        inbound.Complete(B, 1, endOfStream: true);
        aligner.Arrived(3, A, 1);
        inbound.Complete(A, 1, false);
        Assert.True(aligner.Reached(inbound));
        aligner.Complete();

        inbound.Complete(A, 2, endOfStream: true);
        Assert.False(aligner.Reached(inbound)); // no checkpoint under way
        aligner.Begin(4);
        Assert.True(aligner.Reached(inbound));
    }

    [Fact]
    public void A_later_checkpoints_barrier_abandons_the_one_under_way_and_an_older_or_completed_one_is_ignored()
    {
        var inbound = Inbound();
        var aligner = new BarrierAligner(CheckpointMode.Aligned);
        aligner.Arrived(5, A, 1);
        aligner.Arrived(6, B, 1);
        Assert.Equal(6, aligner.Checkpoint);
        Assert.False(aligner.Blocks(A, 2)); // A's barrier belonged to the abandoned checkpoint
        aligner.Arrived(5, A, 3);
        Assert.False(aligner.Blocks(A, 4));
        aligner.Arrived(6, A, 3);
        inbound.Complete(A, 1, false); inbound.Complete(A, 2, false); inbound.Complete(A, 3, false); inbound.Complete(B, 1, false);
        Assert.True(aligner.Reached(inbound));
        aligner.Complete();
        aligner.Arrived(6, A, 9);
        Assert.Equal(0, aligner.Checkpoint);
    }

    [Fact]
    public void Without_checkpoints_nothing_waits()
    {
        var aligner = new BarrierAligner(CheckpointMode.None);
        aligner.Arrived(1, A, 1);
        Assert.False(aligner.Enabled);
        Assert.False(aligner.Blocks(A, 2));
    }
}
