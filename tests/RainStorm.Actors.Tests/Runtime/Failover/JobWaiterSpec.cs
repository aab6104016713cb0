using Akka.Actor;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Client;
using RainStorm.Actors.Runtime.Protocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Tests.Runtime.Failover;

/// <summary>The client side of waiting for a job: the registration is repeated so a leader that took over learns
/// it, messages reach the listener, and stopping unregisters.</summary>
public sealed class JobWaiterSpec() : TestKit(RuntimeTestConfig.Local("rainstorm.runtime.wait-refresh-interval = 200ms"))
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>A wait that ended needs no unregistering: whatever reached the leader after the end is no StopWaiting.</summary>
    private static void NoStopWaiting(Akka.TestKit.TestProbe leader)
    {
        var rest = leader.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m);
        Assert.DoesNotContain(rest, m => m is StopWaiting);
    }

    /// <summary>The leader side, without the waiter's "which leader are you" questions (tested on their own below).</summary>
    private Akka.TestKit.TestProbe Leader()
    {
        var leader = CreateTestProbe();
        leader.IgnoreMessages<WorkerProtocol.ListWorkers>();
        return leader;
    }

    [Fact]
    public void Tells_the_listener_when_the_leader_goes_silent_and_when_another_leader_answers()
    {
        var oldLeader = CreateTestProbe();
        var newLeader = CreateTestProbe();
        var listener = CreateTestProbe();
        var waiter = Sys.ActorOf(JobWaiter.Props(oldLeader.Ref, new WaitJob("job-1", Follow: true), listener.Ref));
        oldLeader.FishForMessage<WorkerProtocol.ListWorkers>(_ => true, Wait);
        oldLeader.Reply(new WorkerProtocol.WorkerList(["a"]));

        // no answers for three refresh intervals: silent, once
        Assert.True(listener.ExpectMsg<JobWaiter.LeaderSilent>(Wait).Silence >= TimeSpan.FromMilliseconds(600));
        listener.ExpectNoMsg(TimeSpan.FromMilliseconds(900));
        // the singleton on another node answers one of the repeats
        newLeader.Send(waiter, new WorkerProtocol.WorkerList(["b"]));
        var moved = listener.ExpectMsg<JobWaiter.LeaderMoved>(Wait);
        Assert.Equal(oldLeader.Ref.Path.Address, moved.From);
        newLeader.Send(waiter, new JobOutput("job-1", ["x"]));
        Assert.Equal(["x"], listener.ExpectMsg<JobOutput>(Wait).Lines);
    }

    [Fact]
    public void Repeats_WaitJob_until_the_job_ends_and_passes_the_end_on()
    {
        var leader = Leader();
        var listener = CreateTestProbe();
        var waiter = Sys.ActorOf(JobWaiter.Props(leader.Ref, new WaitJob("job-1", Follow: true), listener.Ref));
        Watch(waiter);

        // the first registration, then the repeats (a new leader would take any of them)
        for (var i = 0; i < 3; i++) Assert.Equal(new WaitJob("job-1", true), leader.ExpectMsg<WaitJob>(Wait));
        // a new leader answering the repeated registration: output, then the end
        leader.Send(waiter, new JobOutput("job-1", ["a,b,c"]));
        Assert.Equal(["a,b,c"], listener.ExpectMsg<JobOutput>(Wait).Lines);
        var summary = new JobSummary("job-1", "COMPLETED", 2, 6, 10, 3, TimeSpan.FromSeconds(1), "RainStorm ...");
        leader.Send(waiter, new JobEnded(summary));

        Assert.Equal(summary, listener.ExpectMsg<JobEnded>(Wait).Job);
        ExpectTerminated(waiter, Wait);
        NoStopWaiting(leader);
    }

    [Fact]
    public void After_a_submission_it_registers_as_a_follower_of_the_new_job_and_stopping_it_unregisters()
    {
        var leader = Leader();
        var listener = CreateTestProbe();
        var waiter = Sys.ActorOf(JobWaiter.Props(leader.Ref, new SubmitJob("RainStorm 1 1 Filter x a b true false 0 0 0", Follow: true), listener.Ref));

        Assert.True(leader.ExpectMsg<SubmitJob>(Wait).Follow);
        leader.Reply(new JobSubmitted("job-7"));
        Assert.Equal("job-7", listener.ExpectMsg<JobSubmitted>(Wait).JobId);
        Assert.Equal(new WaitJob("job-7", true), leader.ExpectMsg<WaitJob>(Wait));

        Sys.Stop(waiter);
        var stop = leader.FishForMessage<StopWaiting>(_ => true, Wait);
        Assert.Equal("job-7", stop.JobId);
        Assert.Equal(waiter, stop.Waiter);
    }

    [Fact]
    public void A_refusal_reaches_the_listener_and_ends_the_wait_without_unregistering()
    {
        var leader = Leader();
        var listener = CreateTestProbe();
        var waiter = Sys.ActorOf(JobWaiter.Props(leader.Ref, new WaitJob("job-9", Follow: false), listener.Ref));
        Watch(waiter);

        leader.ExpectMsg<WaitJob>(Wait);
        leader.Reply(new CommandFailed("no job 'job-9'"));

        Assert.Equal("no job 'job-9'", listener.ExpectMsg<CommandFailed>(Wait).Message);
        ExpectTerminated(waiter, Wait);
        NoStopWaiting(leader);
    }
}
