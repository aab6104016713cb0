using Akka.Actor;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Runtime.Leader;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.Runtime.Failover;

/// <summary>The leader's job table: a job is confirmed only once it is in the HyDFS journal, so a leader starting on
/// another node after the first one's node stopped gets it back.</summary>
public sealed class JobJournalSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Stands in for the leader: the journal reports to its parent.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent(IActorRef listener)
        {
            var journal = Context.ActorOf(JobJournal.Props(), JobJournal.Name);
            Receive<JobJournal.JobAccepted>(accepted => journal.Tell(accepted));
            Receive<JobJournal.StageRescaled>(rescaled => journal.Tell(rescaled));
            Receive<JobJournal.TaskRetired>(retired => journal.Tell(retired));
            ReceiveAny(listener.Tell);
        }
    }

    [Fact]
    public async Task A_job_is_confirmed_once_journaled_and_a_leader_on_another_node_recovers_it()
    {
        // hydfs only: no leader singleton of the nodes themselves writes the same job table.
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"], configure: b => b.WithHyDfsPersistence());
        var first = cluster[1];
        var probe = CreateTestProbe(first.System);
        var leader = first.System.ActorOf(Props.Create(() => new Parent(probe.Ref)), "leader");
        Assert.Empty(probe.ExpectMsg<JobJournal.Recovered>(Wait).Jobs);

        var accepted = new JobJournal.JobAccepted("job-1", "RainStorm 1 2 Filter Warning signs.csv out false false 0 0 0", 4096);
        leader.Tell(accepted);
        Assert.Equal("job-1", probe.ExpectMsg<JobJournal.Journaled>(Wait).JobId);

        await first.StopAsync();

        var second = cluster[2];
        var probe2 = CreateTestProbe(second.System);
        second.System.ActorOf(Props.Create(() => new Parent(probe2.Ref)), "leader");
        var recovered = probe2.ExpectMsg<JobJournal.Recovered>(Wait);
        var (job, ended) = Assert.Single(recovered.Jobs);
        Assert.Equal(accepted.JobId, job.JobId);
        Assert.Equal(accepted.CommandLine, job.CommandLine);
        Assert.Equal(accepted.SourceBlockBytes, job.SourceBlockBytes);
        Assert.Null(ended);
    }

    [Fact]
    public async Task A_rescale_is_answered_once_journaled_and_a_new_leader_gets_its_shape_and_the_tasks_still_leaving()
    {
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"], configure: b => b.WithHyDfsPersistence());
        var first = cluster[1];
        var probe = CreateTestProbe(first.System);
        var leader = first.System.ActorOf(Props.Create(() => new Parent(probe.Ref)), "leader");
        probe.ExpectMsg<JobJournal.Recovered>(Wait);
        leader.Tell(new JobJournal.JobAccepted("job-1", "RainStorm 2 3 Filter x AggregateByKey 0 signs.csv out true false 0 0 0", 4096));
        probe.ExpectMsg<JobJournal.Journaled>(Wait);

        var table = Enumerable.Range(0, 128).Select(g => g % 2).ToArray();
        leader.Tell(new JobJournal.StageRescaled("job-1", 2, 2, table, [0, 0], 3, Leaving: [0, 2, 3]));
        Assert.Equal(new JobJournal.RescaleJournaled("job-1", 2, 3), probe.ExpectMsg<JobJournal.RescaleJournaled>(Wait));
        leader.Tell(new JobJournal.TaskRetired("job-1", 2, 3, 2));
        leader.Tell(new JobJournal.TaskRetired("job-1", 2, 4, 99)); // not one of the leaving tasks: changes nothing
        leader.Tell(new JobJournal.StageRescaled("job-1", 1, 3, null, [0, 0, 0], 3)); // journaled after the two above
        // Each end is answered once journaled (the job master stops a retired task only then).
        Assert.Equal(new JobJournal.RetireJournaled("job-1", 2, 3, 2), probe.ExpectMsg<JobJournal.RetireJournaled>(Wait));
        Assert.Equal(new JobJournal.RetireJournaled("job-1", 2, 4, 99), probe.ExpectMsg<JobJournal.RetireJournaled>(Wait));
        probe.ExpectMsg<JobJournal.RescaleJournaled>(Wait);
        probe.Watch(leader);
        first.System.Stop(leader);
        probe.ExpectTerminated(leader, Wait);

        var probe2 = CreateTestProbe(cluster[2].System);
        cluster[2].System.ActorOf(Props.Create(() => new Parent(probe2.Ref)), "leader");
        var recovered = probe2.ExpectMsg<JobJournal.Recovered>(Wait);
        var rescaled = recovered.Rescaled!["job-1"][2];
        Assert.Equal((2, 3), (rescaled.Width, rescaled.Epoch));
        Assert.Equal(table, rescaled.Table);
        Assert.Equal([0, -1, 3], rescaled.Leaving);
    }

    [Fact]
    public async Task A_running_job_whose_user_operator_is_gone_fails_on_recovery_and_the_new_leader_serves_on()
    {
        await using var cluster = await TestCluster.StartAsync(3, roles: ["hydfs"], configure: b => b.WithHyDfsPersistence());
        var first = cluster[1];
        var probe = CreateTestProbe(first.System);
        var writer = first.System.ActorOf(Props.Create(() => new Parent(probe.Ref)), "leader");
        probe.ExpectMsg<JobJournal.Recovered>(Wait);
        writer.Tell(new JobJournal.JobAccepted("job-1", "RainStorm 1 1 removed_op x signs.csv out true false 0 0 0", 4096));
        probe.ExpectMsg<JobJournal.Journaled>(Wait);
        probe.Watch(writer);
        first.System.Stop(writer);
        probe.ExpectTerminated(writer, Wait);

        // The operator directory no longer holds removed_op.
        var operators = Directory.CreateTempSubdirectory("rainstorm-ops-").FullName;
        try
        {
            var second = cluster[2];
            var leader = second.System.ActorOf(LeaderActor.Props(operators), "new-leader");
            var jobs = await leader.Ask<JobCommands.JobList>(new JobCommands.ListJobs(), Wait);
            var job = Assert.Single(jobs.Jobs);
            Assert.Equal("FAILED", job.Status);
            Assert.Contains("cannot be recovered", job.FailureReason);
            Assert.Contains("removed_op", job.FailureReason);
        }
        finally
        {
            Directory.Delete(operators, recursive: true);
        }
    }
}
