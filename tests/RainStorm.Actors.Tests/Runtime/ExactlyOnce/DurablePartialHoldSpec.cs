using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Actors.Tests.Support;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;
using static RainStorm.Actors.Tests.Runtime.ExactlyOnce.DurableTaskDefaults;

namespace RainStorm.Actors.Tests.Runtime.ExactlyOnce;

/// <summary>An exactly_once task held for a rescale holds only the moving key groups, like an at-least-once one, and
/// journals the hold's start and end: a new incarnation after a crash (on another node, from the HyDFS journal) resends
/// every unacknowledged batch with the same seq and the same tuples, and keeps aside the same tuples, whichever routing
/// it recovers with (the rescale committed, or rolled back).</summary>
public sealed class DurablePartialHoldSpec : TestKit
{
    private static readonly Edge Input = new("job-ph", 0, 0, 0);
    private static readonly TaskId Id = new("job-ph", 1, 0);

    /// <summary>Stage 1 (Filter) feeds stage 2 (Transform, partitioned by tuple key) over key groups.</summary>
    private static TaskSpec Spec(string operatorDir) => new(Id,
        new JobPlan([new("Filter", ","), new("Transform", "0")], 1, "src.csv", "out.txt", true, false, 0, 0, 0),
        StageTasks: 1, UpstreamTasks: [0], operatorDir);

    /// <summary>Two owners; the moving key (group of owner 0) goes to owner 1 in the new table.</summary>
    private sealed record Keys(string Moving, string Staying, string Other, int[] Before, int[] After);

    private static Keys PickKeys()
    {
        var moving = TestKeys.Where(g => g % 2 == 0);
        var staying = TestKeys.Where(g => g % 2 == 0, moving);
        var other = TestKeys.Where(g => g % 2 == 1);
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 2).ToArray();
        return new Keys(moving, staying, other, before, before.Select((t, g) => g == KeyGroups.Of(moving) ? 1 : t).ToArray());
    }

    private static Routing RoutingTo(int[] table, int epoch, params IActorRef[] owners) =>
        new(Id, new StageRouting(RoutingMode.KeyGroups, table, owners, epoch));

    /// <summary>Runs the task up to a hold with tuples kept aside; <paramref name="ackFirst"/> lets the old owner
    /// acknowledge what it had before the hold, so the task answers Held (and journals its fence snapshot).</summary>
    private static (IActorRef Task, Dictionary<(Edge, long), StreamTuple[]> Sent) RunIntoHold(
        TestKitBase kit, ActorSystem system, TaskSpec spec, Keys keys, TestProbe owner0, TestProbe owner1, bool ackFirst)
    {
        var (parent, upstream, master) = (kit.CreateTestProbe(system), kit.CreateTestProbe(system), kit.CreateTestProbe(system));
        var sent = new Dictionary<(Edge, long), StreamTuple[]>();
        void Record(TupleBatch b) => sent[(b.Edge, b.Seq)] = b.Tuples;

        var task = parent.ChildActorOf(OperatorTask.Props(spec, Transport, null, RecoverySettings.Create(system)));
        task.Tell(RoutingTo(keys.Before, 0, owner0.Ref, owner1.Ref));
        task.Tell(new TupleBatch(Input, 1, [new(keys.Moving, "a,1"), new(keys.Staying, "b,1")]), upstream.Ref);
        upstream.ExpectMsg(new BatchAck(Input, 1), Wait);
        var beforeHold = owner0.ExpectMsg<TupleBatch>(Wait);
        Record(beforeHold);
        Assert.Equal([keys.Moving, keys.Staying], beforeHold.Tuples.Select(t => t.Key));

        task.Tell(new RescaleProtocol.Hold(Id, 7, [KeyGroups.Of(keys.Moving)]), master.Ref);
        task.Tell(new TupleBatch(Input, 2, [new(keys.Moving, "a,2"), new(keys.Staying, "b,2"), new(keys.Other, "c,2")]), upstream.Ref);
        upstream.ExpectMsg(new BatchAck(Input, 2), Wait);
        var staying = owner0.ExpectMsg<TupleBatch>(Wait);
        var other = owner1.ExpectMsg<TupleBatch>(Wait);
        Record(staying);
        Record(other);
        Assert.Equal([new StreamTuple(keys.Staying, "b,2")], staying.Tuples);
        Assert.Equal([new StreamTuple(keys.Other, "c,2")], other.Tuples);
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the old owner has not acknowledged batch 1

        if (!ackFirst) return (task, sent);
        task.Tell(new BatchAck(beforeHold.Edge, beforeHold.Seq), owner0.Ref);
        sent.Remove((beforeHold.Edge, beforeHold.Seq));
        Assert.Equal(new RescaleProtocol.Held(Id, 7), master.ExpectMsg<RescaleProtocol.Held>(Wait));
        task.Tell(new TupleBatch(Input, 3, [new(keys.Moving, "a,3"), new(keys.Other, "c,3")]), upstream.Ref);
        upstream.ExpectMsg(new BatchAck(Input, 3), Wait);
        var flowing = owner1.ExpectMsg<TupleBatch>(Wait);
        Record(flowing);
        Assert.Equal([new StreamTuple(keys.Other, "c,3")], flowing.Tuples);
        return (task, sent);
    }

    private void Crash(ActorSystem system, IActorRef task)
    {
        var watcher = CreateTestProbe(system);
        watcher.Watch(task);
        task.Tell(Kill.Instance);
        watcher.ExpectTerminated(task, Wait);
    }

    /// <summary>What the new incarnation sends until it is quiet, by (edge, seq).</summary>
    private static Dictionary<(Edge, long), StreamTuple[]> Resent(params TestProbe[] owners)
    {
        var resent = new Dictionary<(Edge, long), StreamTuple[]>();
        foreach (var owner in owners)
        {
            var first = owner.ExpectMsg<TupleBatch>(Wait);
            resent[(first.Edge, first.Seq)] = first.Tuples;
            foreach (var b in owner.ReceiveWhile(TimeSpan.FromSeconds(1), m => (TupleBatch)m)) resent[(b.Edge, b.Seq)] = b.Tuples;
        }
        return resent;
    }

    [Fact]
    public async Task After_the_commit_a_replay_resends_the_same_batches_and_the_kept_aside_tuples_go_to_the_new_owner_once()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var operatorDir = Directory.CreateTempSubdirectory("rainstorm-eo-ops-").FullName;
        var spec = Spec(operatorDir);
        var keys = PickKeys();
        var (owner0, owner1) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        var (task, sent) = RunIntoHold(this, cluster[1].System, spec, keys, owner0, owner1, ackFirst: true);

        task.Tell(RoutingTo(keys.After, 1, owner0.Ref, owner1.Ref));
        var released = owner1.FishForMessage<TupleBatch>(b => b.Tuples.Any(t => t.Key == keys.Moving), Wait);
        sent[(released.Edge, released.Seq)] = released.Tuples;
        Assert.Equal([new StreamTuple(keys.Moving, "a,2"), new StreamTuple(keys.Moving, "a,3")], released.Tuples);
        Crash(cluster[1].System, task);

        var (parent2, owner0b, owner1b) = (CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System));
        var again = parent2.ChildActorOf(OperatorTask.Props(spec, Transport, null, RecoverySettings.Create(cluster[2].System)));
        parent2.FishForMessage(m => m is TaskRecovered, Wait);
        again.Tell(RoutingTo(keys.After, 1, owner0b.Ref, owner1b.Ref));
        var resent = Resent(owner0b, owner1b);

        // Every batch the crashed incarnation had sent and nobody acknowledged comes back with the same seq and tuples,
        // and nothing else: the moved key's tuples reach their new owner in the one batch they went out in.
        Assert.Equal(sent.Keys.OrderBy(k => k.Item1.ToTask).ThenBy(k => k.Item2), resent.Keys.OrderBy(k => k.Item1.ToTask).ThenBy(k => k.Item2));
        foreach (var (key, tuples) in sent) Assert.Equal(tuples, resent[key]);
        Directory.Delete(operatorDir, recursive: true);
    }

    [Fact]
    public async Task A_crash_before_the_hold_is_answered_replays_it_and_the_old_routing_sends_the_kept_aside_tuples_to_their_old_owner()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var operatorDir = Directory.CreateTempSubdirectory("rainstorm-eo-ops-").FullName;
        var spec = Spec(operatorDir);
        var keys = PickKeys();
        var (owner0, owner1) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        var (task, sent) = RunIntoHold(this, cluster[1].System, spec, keys, owner0, owner1, ackFirst: false);
        Crash(cluster[1].System, task);

        // The rescale is rolled back: the new incarnation gets the old table (a later epoch).
        var (parent2, owner0b, owner1b) = (CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System));
        var again = parent2.ChildActorOf(OperatorTask.Props(spec, Transport, null, RecoverySettings.Create(cluster[2].System)));
        var recovered = (TaskRecovered)parent2.FishForMessage(m => m is TaskRecovered, Wait);
        Assert.Equal(3, recovered.ReplayedEvents); // round 1, the hold's start, round 2
        again.Tell(RoutingTo(keys.Before, 1, owner0b.Ref, owner1b.Ref));
        var resent = Resent(owner0b, owner1b);

        foreach (var (key, tuples) in sent) Assert.Equal(tuples, resent[key]);
        var releasedKeys = resent.Keys.Except(sent.Keys).ToList();
        var release = Assert.Single(releasedKeys);
        Assert.Equal(0, release.Item1.ToTask);
        Assert.Equal([new StreamTuple(keys.Moving, "a,2")], resent[release]);
        Directory.Delete(operatorDir, recursive: true);
    }

    [Fact]
    public async Task A_routing_that_comes_while_the_holds_end_is_journaled_is_the_one_the_release_goes_by()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var operatorDir = Directory.CreateTempSubdirectory("rainstorm-eo-ops-").FullName;
        var spec = Spec(operatorDir);
        var keys = PickKeys();
        var (owner0, owner1) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        var (task, _) = RunIntoHold(this, cluster[1].System, spec, keys, owner0, owner1, ackFirst: true);

        // The commit's routing, then at once one naming a restarted next-stage task (new actors) while the hold's end
        // is still being journaled: what was kept aside, and what is unacknowledged, must go to the restarted tasks.
        var (restarted0, restarted1) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        task.Tell(RoutingTo(keys.After, 1, owner0.Ref, owner1.Ref));
        task.Tell(RoutingTo(keys.After, 1, restarted0.Ref, restarted1.Ref));

        var released = restarted1.FishForMessage<TupleBatch>(b => b.Tuples.Any(t => t.Key == keys.Moving), Wait);
        Assert.Equal([new StreamTuple(keys.Moving, "a,2"), new StreamTuple(keys.Moving, "a,3")], released.Tuples);
        restarted0.FishForMessage<TupleBatch>(b => b.Tuples.Any(t => t.Key == keys.Staying), Wait); // the unacknowledged batch 2
        var toOldActor = owner1.ReceiveWhile(TimeSpan.FromSeconds(1), m => m as TupleBatch).OfType<TupleBatch>();
        Assert.DoesNotContain(toOldActor, b => b.Tuples.Any(t => t.Key == keys.Moving));
        Directory.Delete(operatorDir, recursive: true);
    }
}
