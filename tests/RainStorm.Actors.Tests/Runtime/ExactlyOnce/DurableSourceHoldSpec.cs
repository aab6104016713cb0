using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Actors.Tests.Support;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;
using static RainStorm.Actors.Tests.Runtime.ExactlyOnce.DurableTaskDefaults;

namespace RainStorm.Actors.Tests.Runtime.ExactlyOnce;

/// <summary>An exactly_once source in front of a rescaled stateful stage holds only the moving key groups: its other
/// lines flow during the hold, and after a crash in the middle of it a new incarnation (from the HyDFS journal) cuts
/// every round again into the same batches, keeps the same lines aside, and releases them by the new routing; every
/// line of the file reaches the next stage exactly once across both incarnations.</summary>
public sealed class DurableSourceHoldSpec : TestKit
{
    private const int Lines = 240;
    private static readonly TaskId Id = new("job-sh", 0, 0);

    /// <summary>Everything received: (edge, seq) → tuples, with whether an incarnation sent it twice differently.</summary>
    private sealed class Received
    {
        public Dictionary<(Edge, long), StreamTuple[]> Batches { get; } = new();

        public void Add(TupleBatch batch)
        {
            if (Batches.TryGetValue((batch.Edge, batch.Seq), out var before))
                Assert.True(before.SequenceEqual(batch.Tuples), $"batch {batch.Edge} #{batch.Seq} came twice with other tuples");
            else Batches[(batch.Edge, batch.Seq)] = batch.Tuples;
        }
    }

    /// <summary>Takes the batches that arrive for <paramref name="span"/>, acknowledging them when <paramref name="ack"/>.</summary>
    private static List<TupleBatch> Take(TestProbe owners, IActorRef task, Received received, TimeSpan span, bool ack)
    {
        var batches = owners.ReceiveWhile(span, m => m as TupleBatch).OfType<TupleBatch>().ToList();
        foreach (var batch in batches)
        {
            received.Add(batch);
            if (ack) task.Tell(new BatchAck(batch.Edge, batch.Seq), owners.Ref);
        }
        return batches;
    }

    [Fact]
    public async Task Other_groups_flow_during_the_hold_and_a_crash_in_it_resends_the_same_batches_and_loses_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var operatorDir = Directory.CreateTempSubdirectory("rainstorm-eo-ops-").FullName;
        var moving = TestKeys.Where(g => g % 2 == 0);
        var staying = TestKeys.Where(g => g % 2 == 0, moving);
        var other = TestKeys.Where(g => g % 2 == 1);
        string[] keys = [moving, staying, other];
        var file = string.Concat(Enumerable.Range(0, Lines).Select(i => $"{keys[i % 3]},v{i}\n"));
        await HyDfsClient.For(cluster[0].System).CreateAsync("src-hold.csv", Encoding.UTF8.GetBytes(file));
        // The next stage counts by the first field; 60 lines per second keeps the source busy for the whole test.
        var spec = new TaskSpec(Id, new JobPlan([new("AggregateByKey", "0")], 1, "src-hold.csv", "out.txt", true, false, 60, 0, 0),
            StageTasks: 1, UpstreamTasks: [], operatorDir);
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 2).ToArray();
        var after = before.Select((t, g) => g == KeyGroups.Of(moving) ? 1 : t).ToArray();
        var received = new Received();

        var (parent, owners, master) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        var task = parent.ChildActorOf(SourceTask.Props(spec, Transport, HyDfsClient.For(cluster[1].System), RecoverySettings.Create(cluster[1].System)));
        task.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, before, [owners.Ref, owners.Ref])));
        Take(owners, task, received, TimeSpan.FromSeconds(1), ack: true);

        task.Tell(new RescaleProtocol.Hold(Id, 5, [KeyGroups.Of(moving)]), master.Ref);
        // Held once the old owner acknowledged what it had: everything is acknowledged as it comes.
        await AwaitAssertAsync(() =>
        {
            Take(owners, task, received, TimeSpan.FromMilliseconds(200), ack: true);
            master.ExpectMsg<RescaleProtocol.Held>(TimeSpan.FromMilliseconds(50));
        }, Wait, TimeSpan.FromMilliseconds(10));
        // The hold goes on: other lines keep flowing (unacknowledged now), the moving key's lines stay aside.
        var flowing = Take(owners, task, received, TimeSpan.FromSeconds(1.5), ack: false).SelectMany(b => b.Tuples).ToList();
        Assert.Contains(flowing, t => t.Value.StartsWith(staying + ",", StringComparison.Ordinal));
        Assert.Contains(flowing, t => t.Value.StartsWith(other + ",", StringComparison.Ordinal));
        Assert.DoesNotContain(flowing, t => t.Value.StartsWith(moving + ",", StringComparison.Ordinal));

        var watcher = CreateTestProbe(cluster[1].System);
        watcher.Watch(task);
        task.Tell(Kill.Instance);
        watcher.ExpectTerminated(task, Wait);

        // The rescale committed: the new incarnation gets the new table, re-cuts the pending rounds (the same batches,
        // checked by Received.Add), releases the kept-aside lines to their new owner and reads on to the end.
        var (parent2, owners2) = (CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System));
        var again = parent2.ChildActorOf(SourceTask.Props(spec, Transport, HyDfsClient.For(cluster[2].System), RecoverySettings.Create(cluster[2].System)));
        again.Tell(new Routing(Id, new StageRouting(RoutingMode.KeyGroups, after, [owners2.Ref, owners2.Ref], 1)));
        await AwaitAssertAsync(() =>
        {
            Take(owners2, again, received, TimeSpan.FromMilliseconds(200), ack: true);
            parent2.FishForMessage(m => m is TaskCompleted, TimeSpan.FromMilliseconds(50));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(10));

        var lines = received.Batches.Values.SelectMany(t => t).Select(t => t.Value).ToList();
        Assert.Equal(Lines, lines.Count);
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"{keys[i % 3]},v{i}").Order(), lines.Order());
        Directory.Delete(operatorDir, recursive: true);
    }
}
