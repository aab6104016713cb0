using Akka.Actor;
using RainStorm.Actors.Runtime.Tasks;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class OperatorTaskTests : TaskTestKit
{
    private TaskSpec Spec(params StageSpec[] stages) => new(
        new TaskId("job-1", 1, 0),
        new JobPlan(stages, 1, "src.csv", "out.txt", false, false, 0, 0, 0),
        StageTasks: 1, UpstreamTasks: [0], OperatorDir);

    private static readonly Edge Input = new("job-1", 0, 0, 0);

    [Fact]
    public void A_filter_task_processes_acks_dedups_retries_and_completes_after_end_of_stream()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var downstream = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(new("Filter", "keep"), new("Transform", "0")), Transport, null));
        task.Tell(new Routing(new TaskId("job-1", 1, 0), new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [downstream.Ref])));

        var batch = new TupleBatch(Input, 1, [new("f:1", "keep,a"), new("f:2", "drop,b"), new("f:3", "b,keep")]);
        task.Tell(batch, upstream.Ref);
        Assert.Equal(new BatchAck(Input, 1), upstream.ExpectMsg<BatchAck>());
        var output = downstream.ExpectMsg<TupleBatch>();
        Assert.Equal([new StreamTuple("f:1", "keep,a"), new StreamTuple("f:3", "b,keep")], output.Tuples);
        Assert.Equal(new Edge("job-1", 1, 0, 0), output.Edge);

        task.Tell(batch, upstream.Ref);
        Assert.Equal(new BatchAck(Input, 1), upstream.ExpectMsg<BatchAck>());
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        task.Tell(new TupleBatch(Input, 2, [], EndOfStream: true), upstream.Ref);
        upstream.ExpectMsg<BatchAck>();
        var end = downstream.ExpectMsg<TupleBatch>();
        Assert.True(end.EndOfStream);
        var draining = parent.FishForMessage(m => m is TaskReport or TaskCompleted, TimeSpan.FromSeconds(5));
        Assert.Equal(TaskPhase.Draining, Assert.IsType<TaskReport>(draining).State);
        task.Tell(new BatchAck(output.Edge, output.Seq), downstream.Ref);
        task.Tell(new BatchAck(end.Edge, end.Seq), downstream.Ref);
        var completed = parent.FishForMessage<TaskCompleted>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(3, completed.TuplesIn);
        Assert.Equal(2, completed.TuplesOut);
    }

    [Fact]
    public void A_full_credit_window_downstream_stops_the_task_from_acknowledging_its_input()
    {
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var downstream = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(new("Filter", ","), new("Transform", "0")), Transport, null));
        task.Tell(new Routing(new TaskId("job-1", 1, 0), new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [downstream.Ref])));

        var line = new string('x', 4100) + ",y"; // one tuple fills a batch
        for (var seq = 1; seq <= 20; seq++) task.Tell(new TupleBatch(Input, seq, [new($"f:{seq}", line)]), upstream.Ref);

        // window (4) in flight + ready-limit (2) sealed: the task stops there and holds the remaining input unacknowledged.
        var acked = 0;
        while (upstream.ReceiveOne(TimeSpan.FromSeconds(1)) is BatchAck) acked++;
        Assert.InRange(acked, Transport.Window, Transport.Window + Transport.ReadyLimit + 1);
        var inFlight = Enumerable.Range(0, Transport.Window).Select(_ => downstream.ExpectMsg<TupleBatch>()).ToList();
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        task.Tell(new BatchAck(inFlight[0].Edge, inFlight[0].Seq), downstream.Ref);
        downstream.ExpectMsg<TupleBatch>();
        upstream.ExpectMsg<BatchAck>();
    }

    [Fact]
    public void A_failing_user_operator_fails_the_task_with_a_clear_reason_and_only_the_task_stops()
    {
        var script = Path.Combine(OperatorDir, "explode");
        File.WriteAllText(script, "#!/bin/sh\necho 'bad input, giving up' >&2\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var parent = CreateTestProbe();
        var upstream = CreateTestProbe();
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(new("explode", "x"), new("Transform", "0")), Transport, null));
        parent.Watch(task);
        task.Tell(new Routing(new TaskId("job-1", 1, 0), new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [CreateTestProbe().Ref])));

        task.Tell(new TupleBatch(Input, 1, [new("f:1", "a")]), upstream.Ref);

        var failed = parent.FishForMessage<TaskFailed>(_ => true, TimeSpan.FromSeconds(20));
        Assert.Contains("explode", failed.Reason);
        Assert.Contains("job-1/1/0", failed.Reason);
        parent.ExpectTerminated(task, TimeSpan.FromSeconds(5));
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>An at-least-once job restarted from its source runs attempt 2: its tasks' edges carry the attempt, so a
    /// batch still under way from a task of attempt 1 is dropped unacknowledged, and the new outputs are attempt 2's.</summary>
    [Fact]
    public void A_task_of_a_restarted_attempt_drops_batches_of_the_old_attempt_and_sends_on_its_own_edges()
    {
        var parent = CreateTestProbe();
        var oldUpstream = CreateTestProbe();
        var upstream = CreateTestProbe();
        var downstream = CreateTestProbe();
        var id = new TaskId("job-1", 1, 0, Attempt: 2);
        var task = parent.ChildActorOf(OperatorTask.Props(Spec(new("Filter", "keep"), new("Transform", "0")) with { Id = id }, Transport, null));
        task.Tell(new Routing(id, new StageRouting(RoutingMode.Forward, new int[KeyGroups.Count], [downstream.Ref])));

        task.Tell(new TupleBatch(Input, 1, [new("f:1", "keep,old")]), oldUpstream.Ref);
        var current = new Edge("job-1#2", 0, 0, 0);
        task.Tell(new TupleBatch(current, 1, [new("f:1", "keep,new")]), upstream.Ref);

        Assert.Equal(new BatchAck(current, 1), upstream.ExpectMsg<BatchAck>());
        var output = downstream.ExpectMsg<TupleBatch>();
        Assert.Equal([new StreamTuple("f:1", "keep,new")], output.Tuples);
        Assert.Equal(new Edge("job-1#2", 1, 0, 0), output.Edge);
        oldUpstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal("job-1/1/0#2", id.ToString());
        Assert.NotEqual(new TaskId("job-1", 1, 0).ActorName, id.ActorName);
    }
}
