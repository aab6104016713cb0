using Akka.Actor;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime;
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

/// <summary>An exactly-once AggregateByKey task journaling to HyDFS on a 3-node cluster: after a crash, a new incarnation
/// on another node resends its unacknowledged output with the same seq, drops a retried input, and counts on.</summary>
public sealed class DurableOperatorTaskSpec : TestKit
{
    private static readonly Edge Input = new("job-eo", 0, 0, 0);

    private static TaskSpec Spec(string operatorDir) => new(
        new TaskId("job-eo", 1, 0),
        new JobPlan([new StageSpec("AggregateByKey", "0"), new StageSpec("Filter", "")], 1, "src.csv", "out.txt", true, false, 0, 0, 0),
        StageTasks: 1, UpstreamTasks: [0], operatorDir);

    private static Props TaskProps(ActorSystem system, TaskSpec spec) =>
        OperatorTask.Props(spec, Transport,
            context => new SinkOutput(spec, RuntimeSettings.Create(system), HyDfsClient.For(system), context, exactlyOnce: true), RecoverySettings.Create(system));

    [Fact]
    public async Task A_restarted_task_resends_the_same_output_batch_drops_the_retried_input_and_keeps_its_counts()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var operatorDir = Directory.CreateTempSubdirectory("rainstorm-eo-ops-").FullName;
        var spec = Spec(operatorDir);
        var routing = new Routing(spec.Id, new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], []));

        var (parent, upstream, downstream) = (CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System), CreateTestProbe(cluster[1].System));
        var task = parent.ChildActorOf(TaskProps(cluster[1].System, spec));
        task.Tell(routing with { Downstream = routing.Downstream! with { Tasks = [downstream.Ref] } });
        task.Tell(new TupleBatch(Input, 1, [new("f:1", "a,x"), new("f:2", "b,y"), new("f:3", "a,z")]), upstream.Ref);
        Assert.Equal(new BatchAck(Input, 1), upstream.ExpectMsg<BatchAck>(Wait));
        var first = downstream.ExpectMsg<TupleBatch>(Wait);
        Assert.Equal(["a,1", "b,1", "a,2"], first.Tuples.Select(t => t.Value));

        // Crash before the downstream acknowledged: the batch must come back, identical, from the next incarnation.
        var watcher = CreateTestProbe(cluster[1].System);
        watcher.Watch(task);
        task.Tell(Kill.Instance);
        watcher.ExpectTerminated(task, Wait);

        var (parent2, upstream2, downstream2) = (CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System), CreateTestProbe(cluster[2].System));
        var again = parent2.ChildActorOf(TaskProps(cluster[2].System, spec));
        var recovered = (TaskRecovered)parent2.FishForMessage(m => m is TaskRecovered, Wait);
        Assert.Equal(1, recovered.ReplayedEvents);
        again.Tell(routing with { Downstream = routing.Downstream! with { Tasks = [downstream2.Ref] } });
        var resent = downstream2.ExpectMsg<TupleBatch>(Wait);
        Assert.Equal((first.Edge, first.Seq), (resent.Edge, resent.Seq));
        Assert.Equal(first.Tuples, resent.Tuples);

        again.Tell(new TupleBatch(Input, 1, [new("f:1", "a,x"), new("f:2", "b,y"), new("f:3", "a,z")]), upstream2.Ref);
        Assert.Equal(new BatchAck(Input, 1), upstream2.ExpectMsg<BatchAck>(Wait));
        again.Tell(new TupleBatch(Input, 2, [new("f:4", "a,w")]), upstream2.Ref);
        Assert.Equal(new BatchAck(Input, 2), upstream2.ExpectMsg<BatchAck>(Wait));
        var next = (TupleBatch)downstream2.FishForMessage(m => m is TupleBatch { Seq: 2 }, Wait);
        Assert.Equal(["a,3"], next.Tuples.Select(t => t.Value));
        Directory.Delete(operatorDir, recursive: true);
    }
}
