using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>A persistent actor journaled on HyDFS recovers its state on another node after its first node is gone.</summary>
public sealed class PersistentFailoverSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public sealed record Add(int Amount);
    public sealed record Snap;
    public sealed record GetTotal;
    public sealed record Total(int Value, long LastSequenceNr);

    private sealed class Counter : ReceivePersistentActor
    {
        private int _total;

        public Counter(string id)
        {
            PersistenceId = id;
            Recover<int>(amount => _total += amount);
            Recover<SnapshotOffer>(offer => _total = (int)offer.Snapshot);
            Command<Add>(add => Persist(add.Amount, amount =>
            {
                _total += amount;
                Sender.Tell(new Total(_total, LastSequenceNr));
            }));
            Command<List<int>>(amounts => PersistAll(amounts, amount => _total += amount));
            Command<Snap>(_ =>
            {
                SaveSnapshot(_total);
                Sender.Tell("snapshot requested");
            });
            Command<SaveSnapshotSuccess>(_ => { });
            Command<GetTotal>(_ => Sender.Tell(new Total(_total, LastSequenceNr)));
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public async Task State_comes_back_on_another_node_after_the_first_node_stopped()
    {
        await using var cluster = await TestCluster.StartAsync(3, extra: b => b.WithHyDfsPersistence());
        var first = cluster[1];
        var counter = first.System.ActorOf(Props.Create(() => new Counter("job-7/stage-1/task-0")), "counter");
        var probe = CreateTestProbe(first.System);
        for (var i = 1; i <= 10; i++) counter.Tell(new Add(i), probe.Ref);
        for (var i = 1; i <= 10; i++) probe.ExpectMsg<Total>(Wait);
        counter.Tell(new Snap(), probe.Ref);
        probe.ExpectMsg("snapshot requested", Wait);
        counter.Tell(new List<int> { 100, 200, 300 }, probe.Ref);
        counter.Tell(new GetTotal(), probe.Ref);
        var before = probe.ExpectMsg<Total>(Wait);
        Assert.Equal(55 + 600, before.Value);
        Assert.Equal(13, before.LastSequenceNr);

        await first.StopAsync();

        var second = cluster[2];
        var recovered = second.System.ActorOf(Props.Create(() => new Counter("job-7/stage-1/task-0")), "counter");
        var probe2 = CreateTestProbe(second.System);
        recovered.Tell(new GetTotal(), probe2.Ref);
        var after = probe2.ExpectMsg<Total>(Wait);
        Assert.Equal(before, after);
        recovered.Tell(new Add(1), probe2.Ref);
        Assert.Equal(new Total(656, 14), probe2.ExpectMsg<Total>(Wait));
    }
}
