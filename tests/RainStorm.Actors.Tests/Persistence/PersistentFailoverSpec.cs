using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>A persistent actor journaled on HyDFS recovers its state on another node after its first node is gone:
/// crashed (its actor system stopped without leaving the cluster, so the others must detect and down it) or left.</summary>
public sealed class PersistentFailoverSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public sealed record Add(int Amount);
    public sealed record Snap;
    public sealed record GetTotal;
    public sealed record Total(int Value, long LastSequenceNr);
    public sealed record GetRecoveredSnapshot;

    private sealed class Counter : ReceivePersistentActor
    {
        private int _total;
        private long _recoveredSnapshot = -1;
        private IActorRef? _snapshotRequester;

        public Counter(string id)
        {
            PersistenceId = id;
            Recover<int>(amount => _total += amount);
            Recover<SnapshotOffer>(offer =>
            {
                _total = (int)offer.Snapshot;
                _recoveredSnapshot = offer.Metadata.SequenceNr;
            });
            Command<Add>(add => Persist(add.Amount, amount =>
            {
                _total += amount;
                Sender.Tell(new Total(_total, LastSequenceNr));
            }));
            Command<List<int>>(amounts => PersistAll(amounts, amount => _total += amount));
            Command<Snap>(_ =>
            {
                SaveSnapshot(_total);
                _snapshotRequester = Sender;
            });
            Command<SaveSnapshotSuccess>(saved => _snapshotRequester?.Tell($"snapshot at {saved.Metadata.SequenceNr}"));
            Command<GetRecoveredSnapshot>(_ => Sender.Tell(_recoveredSnapshot));
            Command<GetTotal>(_ => Sender.Tell(new Total(_total, LastSequenceNr)));
        }

        public override string PersistenceId { get; }
    }

    // Terminating an actor system normally runs coordinated shutdown (leave the cluster, hand over); off, it just stops,
    // which the other nodes see as a crash: unreachable, downed by the split-brain resolver, removed.
    private const string CrashOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    [Fact]
    public async Task State_comes_back_on_another_node_after_the_first_node_crashed()
    {
        await using var cluster = await TestCluster.StartAsync(3, configure: b => b.WithHyDfsPersistence(), hocon: CrashOnTerminate);
        var before = PersistOn(cluster[1]);
        await cluster[1].System.Terminate().WaitAsync(Wait);
        var crashed = cluster[1].Address;
        var survivor = Akka.Cluster.Cluster.Get(cluster[2].System);
        await AwaitAssertAsync(() => Assert.DoesNotContain(survivor.State.Members, m => $"{m.Address.Host}:{m.Address.Port}" == crashed),
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        RecoverOn(cluster[2], before);
    }

    [Fact]
    public async Task State_comes_back_on_another_node_after_the_first_node_left()
    {
        await using var cluster = await TestCluster.StartAsync(3, configure: b => b.WithHyDfsPersistence());
        var before = PersistOn(cluster[1]);
        await cluster[1].StopAsync();
        RecoverOn(cluster[2], before);
    }

    private Total PersistOn(TestNode first)
    {
        var counter = first.System.ActorOf(Props.Create(() => new Counter("job-7/stage-1/task-0")), "counter");
        var probe = CreateTestProbe(first.System);
        for (var i = 1; i <= 10; i++) counter.Tell(new Add(i), probe.Ref);
        for (var i = 1; i <= 10; i++) probe.ExpectMsg<Total>(Wait);
        counter.Tell(new Snap(), probe.Ref);
        probe.ExpectMsg("snapshot at 10", Wait);
        counter.Tell(new List<int> { 100, 200, 300 }, probe.Ref);
        counter.Tell(new GetTotal(), probe.Ref);
        var before = probe.ExpectMsg<Total>(Wait);
        Assert.Equal(55 + 600, before.Value);
        Assert.Equal(13, before.LastSequenceNr);
        return before;
    }

    private void RecoverOn(TestNode second, Total before)
    {
        var recovered = second.System.ActorOf(Props.Create(() => new Counter("job-7/stage-1/task-0")), "counter");
        var probe2 = CreateTestProbe(second.System);
        recovered.Tell(new GetTotal(), probe2.Ref);
        var after = probe2.ExpectMsg<Total>(Wait);
        Assert.Equal(before, after);
        recovered.Tell(new GetRecoveredSnapshot(), probe2.Ref);
        Assert.Equal(10L, probe2.ExpectMsg<long>(Wait)); // the snapshot, then the 3 events after it
        recovered.Tell(new Add(1), probe2.Ref);
        Assert.Equal(new Total(656, 14), probe2.ExpectMsg<Total>(Wait));
    }
}
