using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime.Checkpoints;

public sealed class AlignedOperatorTaskTests : TaskTestKit
{
    private static readonly Edge FromA = new("job-1", 0, 0, 0);
    private static readonly Edge FromB = new("job-1", 0, 1, 0);

    private TaskSpec Spec(CheckpointMode mode) => new(new TaskId("job-1", 1, 0),
        new JobPlan([new StageSpec("Filter", "keep"), new StageSpec("Transform", "0")], 1, "src.csv", "out.txt", true, false, 0, 0, 0),
        StageTasks: 1, UpstreamTasks: [0, 1], OperatorDir, Checkpoints: mode);

    /// <summary>A Filter task with two inputs, its routing sent by <c>master</c> (where it acknowledges its parts).</summary>
    private (Akka.Actor.IActorRef Task, Akka.TestKit.TestProbe Master, Akka.TestKit.TestProbe Upstream, Akka.TestKit.TestProbe Downstream) Started(CheckpointMode mode)
    {
        var (master, upstream, downstream) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var task = CreateTestProbe().ChildActorOf(OperatorTask.Props(Spec(mode), Transport, null));
        task.Tell(new Routing(new TaskId("job-1", 1, 0), new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [downstream.Ref])), master.Ref);
        return (task, master, upstream, downstream);
    }

    [Fact]
    public void Aligned_input_behind_a_barrier_waits_until_every_input_delivered_it_then_the_barrier_follows_what_came_before_it()
    {
        var (task, master, upstream, downstream) = Started(CheckpointMode.Aligned);

        task.Tell(new TupleBatch(FromA, 1, [new("f:1", "keep,a1")]), upstream.Ref);
        Assert.Equal("keep,a1", downstream.ExpectMsg<TupleBatch>().Tuples.Single().Value);
        task.Tell(new TupleBatch(FromA, 2, [], Barrier: 11), upstream.Ref);
        task.Tell(new TupleBatch(FromA, 3, [new("f:3", "keep,a3")]), upstream.Ref);
        task.Tell(new TupleBatch(FromB, 1, [new("f:2", "keep,b1")]), upstream.Ref);

        // A's batch behind the barrier neither runs nor is acknowledged while B has not delivered the barrier.
        Assert.Equal(new BatchAck(FromA, 1), upstream.ExpectMsg<BatchAck>());
        Assert.Equal(new BatchAck(FromA, 2), upstream.ExpectMsg<BatchAck>());
        Assert.Equal(new BatchAck(FromB, 1), upstream.ExpectMsg<BatchAck>());
        Assert.Equal("keep,b1", downstream.ExpectMsg<TupleBatch>().Tuples.Single().Value);
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(10));

        task.Tell(new TupleBatch(FromB, 2, [], Barrier: 11), upstream.Ref);
        var ack = master.ExpectMsg<CheckpointAck>();
        Assert.Equal(11, ack.Id);
        Assert.NotNull(ack.State);
        var barrier = downstream.ExpectMsg<TupleBatch>();
        Assert.Equal(11, barrier.Barrier);
        Assert.Empty(barrier.Tuples);
        Assert.Equal("keep,a3", downstream.ExpectMsg<TupleBatch>().Tuples.Single().Value);
    }

    [Fact]
    public void Unaligned_nothing_waits_and_the_part_is_acknowledged_once_every_barrier_is_in()
    {
        var (task, master, upstream, downstream) = Started(CheckpointMode.Unaligned);

        task.Tell(new TupleBatch(FromA, 1, [], Barrier: 4), upstream.Ref);
        task.Tell(new TupleBatch(FromA, 2, [new("f:3", "keep,a2")]), upstream.Ref);
        Assert.Equal("keep,a2", downstream.ExpectMsg<TupleBatch>().Tuples.Single().Value);
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        task.Tell(new TupleBatch(FromB, 1, [], Barrier: 4), upstream.Ref);
        Assert.Equal(4, master.ExpectMsg<CheckpointAck>().Id);
        Assert.Equal(4, downstream.ExpectMsg<TupleBatch>().Barrier);
    }
}
