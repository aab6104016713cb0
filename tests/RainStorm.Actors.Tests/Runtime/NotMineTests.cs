using Akka.Actor;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>Versioned routing: a task of a stateful stage refuses ("not mine") a batch cut under an older epoch that
/// holds a tuple of a key group it does not own, neither processing nor marking it; the sender cuts the batch again by
/// the newer routing, keeping under the same seq what still belongs there, and sends the rest to the new owner.</summary>
public sealed class NotMineTests : TaskTestKit
{
    /// <summary>Stage 1 Transform, stage 2 AggregateByKey (partitioned by column 0), stage 3 Transform.</summary>
    private JobPlan Plan() => new([new("Transform", "0"), new("AggregateByKey", "0"), new("Transform", "0")], 1, "src.csv", "out.txt", false, false, 0, 0, 0);

    [Fact]
    public void A_stateful_task_refuses_a_stale_batch_with_a_group_it_does_not_own_and_takes_it_once_cut_again()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var downstream = CreateTestProbe();
        var id = new TaskId("job-1", 2, 0);
        var spec = new TaskSpec(id, Plan(), StageTasks: 2, UpstreamTasks: [0], OperatorDir);
        var task = parent.ChildActorOf(OperatorTask.Props(spec, Transport, null));
        var mine = KeyWhere(g => g % 2 == 0);
        var other = KeyWhere(g => g % 2 == 1);
        var owned = Enumerable.Range(0, KeyGroups.Count).Where(g => g % 2 == 0).ToArray();
        task.Tell(new Routing(id, new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [downstream.Ref]), Own: new KeyGroupsOwned(3, owned)));
        var edge = new Edge("job-1", 1, 0, 0);

        // Cut under epoch 2, holding a tuple of a group this task does not own at epoch 3: refused, not acknowledged.
        task.Tell(new TupleBatch(edge, 1, [new(mine, $"{mine},x"), new(other, $"{other},y")], Epoch: 2), upstream.Ref);
        Assert.Equal(new BatchRefused(edge, 1, 3), upstream.ExpectMsg<BatchRefused>());
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // nothing of it was processed

        // The same seq cut again under epoch 3 with only its own group: processed and acknowledged (it was never marked).
        task.Tell(new TupleBatch(edge, 1, [new(mine, $"{mine},x")], Epoch: 3), upstream.Ref);
        Assert.Equal(new BatchAck(edge, 1), upstream.ExpectMsg<BatchAck>());
        var counted = downstream.ExpectMsg<TupleBatch>();
        Assert.Equal([mine], counted.Tuples.Select(t => t.Key));

        // A stale batch whose tuples all belong here is taken as it is.
        task.Tell(new TupleBatch(edge, 2, [new(mine, $"{mine},z")], Epoch: 1), upstream.Ref);
        Assert.Equal(new BatchAck(edge, 2), upstream.ExpectMsg<BatchAck>());
    }

    [Fact]
    public void A_sender_cuts_a_refused_batch_again_by_the_newer_routing_when_it_comes()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var owner0 = CreateTestProbe();
        var owner1 = CreateTestProbe();
        var id = new TaskId("job-1", 1, 0);
        var spec = new TaskSpec(id, Plan(), StageTasks: 1, UpstreamTasks: [0], OperatorDir);
        var task = parent.ChildActorOf(OperatorTask.Props(spec, Transport, null));
        var moving = KeyWhere(g => g % 2 == 0);
        var staying = KeyWhere(g => g % 2 == 0, moving);
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 2).ToArray();
        var after = before.Select((t, g) => g == KeyGroups.Of(moving) ? 1 : t).ToArray();
        task.Tell(new Routing(id, new StageRouting(RoutingMode.KeyGroups, before, [owner0.Ref, owner1.Ref], Epoch: 4)));

        task.Tell(new TupleBatch(new Edge("job-1", 0, 0, 0), 1, [new("a", $"{moving},1"), new("b", $"{staying},2")]), upstream.Ref);
        var sent = owner0.ExpectMsg<TupleBatch>();
        Assert.Equal(4, sent.Epoch);
        Assert.Equal(2, sent.Tuples.Length);

        // Refused under epoch 5, which the sender does not know yet: it waits for that routing.
        task.Tell(new BatchRefused(sent.Edge, sent.Seq, 5), owner0.Ref);
        owner0.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        owner1.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        task.Tell(new Routing(id, new StageRouting(RoutingMode.KeyGroups, after, [owner0.Ref, owner1.Ref], Epoch: 5)));
        var recut = owner0.FishForMessage<TupleBatch>(b => b.Epoch == 5, TimeSpan.FromSeconds(5));
        Assert.Equal(sent.Seq, recut.Seq);
        Assert.Equal([staying], recut.Tuples.Select(t => t.Value));
        var moved = owner1.ExpectMsg<TupleBatch>();
        Assert.Equal([moving], moved.Tuples.Select(t => t.Value));
        Assert.Equal(5, moved.Epoch);

        // A second refusal of the batch already cut under epoch 5 changes nothing.
        task.Tell(new BatchRefused(sent.Edge, sent.Seq, 5), owner0.Ref);
        owner1.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
