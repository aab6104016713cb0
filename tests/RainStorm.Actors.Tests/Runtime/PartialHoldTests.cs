using Akka.Actor;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>A rescale of an at-least-once job holds back only the key groups that move: the task in front keeps their
/// tuples aside while every other group flows on, answers Held once the old owner acknowledged what it had been sent
/// before the hold, and sends what it kept aside to the new owner when the new routing comes.</summary>
public sealed class PartialHoldTests : TaskTestKit
{
    private static readonly Edge Input = new("job-1", 0, 0, 0);
    private static readonly TaskId Id = new("job-1", 1, 0);

    /// <summary>Stage 1 (Filter) feeds stage 2 (Transform, partitioned by tuple key) over key groups.</summary>
    private TaskSpec Spec() => new(Id, new JobPlan([new("Filter", ","), new("Transform", "0")], 1, "src.csv", "out.txt", false, false, 0, 0, 0),
        StageTasks: 1, UpstreamTasks: [0], OperatorDir);

    [Fact]
    public void Only_the_moving_groups_wait_and_they_go_to_their_new_owner_with_the_new_routing()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var master = CreateTestProbe();
        var owner0 = CreateTestProbe();
        var owner1 = CreateTestProbe();
        var moving = KeyWhere(g => g % 2 == 0);          // owned by task 0, moves to task 1
        var staying = KeyWhere(g => g % 2 == 0, moving); // owned by task 0, stays
        var other = KeyWhere(g => g % 2 == 1);           // owned by task 1
        var movingGroup = KeyGroups.Of(moving);
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 2).ToArray();
        var after = before.Select((t, g) => g == movingGroup ? 1 : t).ToArray();

        var task = parent.ChildActorOf(OperatorTask.Props(Spec(), Transport, null));
        task.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, before, [owner0.Ref, owner1.Ref])));
        task.Tell(new TupleBatch(Input, 1, [new(moving, "a,1"), new(staying, "b,1")]), upstream.Ref);
        upstream.ExpectMsg<BatchAck>();
        var sentBefore = owner0.ExpectMsg<TupleBatch>();
        Assert.Equal([moving, staying], sentBefore.Tuples.Select(t => t.Key));

        task.Tell(new RescaleProtocol.Hold(Id, 7, [movingGroup]), master.Ref);
        task.Tell(new TupleBatch(Input, 2, [new(moving, "a,2"), new(staying, "b,2"), new(other, "c,2")]), upstream.Ref);
        upstream.ExpectMsg<BatchAck>();
        Assert.Equal([staying], owner0.ExpectMsg<TupleBatch>().Tuples.Select(t => t.Key));
        Assert.Equal([other], owner1.ExpectMsg<TupleBatch>().Tuples.Select(t => t.Key));
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the old owner has not acknowledged what it got before the hold

        task.Tell(new BatchAck(sentBefore.Edge, sentBefore.Seq), owner0.Ref);
        Assert.Equal(new RescaleProtocol.Held(Id, 7), master.ExpectMsg<RescaleProtocol.Held>());
        owner0.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        owner1.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        task.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, after, [owner0.Ref, owner1.Ref], Epoch: 1)));
        var released = owner1.FishForMessage<TupleBatch>(b => b.Tuples.Any(t => t.Key == moving), TimeSpan.FromSeconds(5));
        Assert.Equal([new StreamTuple(moving, "a,2")], released.Tuples.Where(t => t.Key == moving));
        // The new routing resends what the old owner has not acknowledged (its own groups), never the moved group.
        var resent = owner0.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (TupleBatch)m);
        Assert.DoesNotContain(resent.SelectMany(b => b.Tuples), t => t.Key == moving);
    }

    [Fact]
    public void A_hold_with_no_groups_answers_at_once_and_stops_nothing()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var master = CreateTestProbe();
        var owner = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(), Transport, null));
        task.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, new int[KeyGroups.Count], [owner.Ref])));
        task.Tell(new TupleBatch(Input, 1, [new("k1", "a,1")]), upstream.Ref);
        var unacknowledged = owner.ExpectMsg<TupleBatch>();

        task.Tell(new RescaleProtocol.Hold(Id, 3, []), master.Ref);
        master.ExpectMsg(new RescaleProtocol.Held(Id, 3));
        task.Tell(new TupleBatch(Input, 2, [new("k2", "b,2")]), upstream.Ref);
        Assert.Equal([new StreamTuple("k2", "b,2")], owner.ExpectMsg<TupleBatch>().Tuples);
        Assert.Equal(1, unacknowledged.Seq);
    }

    [Fact]
    public void A_whole_hold_takes_no_input_until_the_output_is_empty_and_the_new_routing_comes()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var master = CreateTestProbe();
        var owner = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(), Transport, null));
        var routing = new StageRouting(RoutingMode.KeyGroups, new int[KeyGroups.Count], [owner.Ref]);
        task.Tell(new Routing(Id, routing));
        task.Tell(new TupleBatch(Input, 1, [new("k1", "a,1")]), upstream.Ref);
        upstream.ExpectMsg<BatchAck>();
        var sent = owner.ExpectMsg<TupleBatch>();

        task.Tell(new RescaleProtocol.Hold(Id, 4), master.Ref);
        task.Tell(new TupleBatch(Input, 2, [new("k2", "b,2")]), upstream.Ref);
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        task.Tell(new BatchAck(sent.Edge, sent.Seq), owner.Ref);
        master.ExpectMsg(new RescaleProtocol.Held(Id, 4));
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        task.Tell(new Routing(Id, routing with { Epoch = 1 }));
        upstream.ExpectMsg(new BatchAck(Input, 2));
        Assert.Equal([new StreamTuple("k2", "b,2")], owner.ExpectMsg<TupleBatch>().Tuples);
    }

    [Fact]
    public void A_task_over_a_key_group_edge_reports_the_tuples_it_sent_per_group_which_a_rescale_balances_by()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var owner = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(), Transport, null));
        task.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, new int[KeyGroups.Count], [owner.Ref])));
        var hot = KeyWhere(_ => true);
        var cold = KeyWhere(_ => true, hot);
        task.Tell(new TupleBatch(Input, 1, [new(hot, "a,1"), new(hot, "a,2"), new(hot, "a,3"), new(cold, "b,1")]), upstream.Ref);

        var report = parent.FishForMessage<TaskReport>(r => r.GroupsOut?.Sum() > 0, TimeSpan.FromSeconds(5));
        Assert.Equal(3, report.GroupsOut![KeyGroups.Of(hot)]);
        Assert.Equal(1, report.GroupsOut[KeyGroups.Of(cold)]);
        Assert.Equal(4, report.GroupsOut.Sum());
        var next = parent.FishForMessage<TaskReport>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(0, next.GroupsOut!.Sum()); // each report counts only what was sent since the one before
    }
}
