using Akka.TestKit.Xunit2;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.ExactlyOnce;

/// <summary>Issue 6 on an embedded 3-node cluster: kill_task kills a Filter and an AggregateByKey task of App 1
/// (exactly_once) mid-job; the leader restarts them elsewhere, they recover from their HyDFS journals, and the output
/// is exact.</summary>
[Collection(ClusterLane.Name)]
public sealed class TaskFailureTests(RuntimeClusterFixture fixture, ITestOutputHelper output) : TestKit(), IClassFixture<RuntimeClusterFixture>
{
    [Fact]
    public async Task App1_exactly_once_survives_kill_task_of_a_filter_and_an_aggregate_task_with_exact_counts()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);
        var jobId = await JobRunner.SubmitAsync(fixture.Cluster.Leader,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv eo_task_out true false 2500 0 0");
        // A follower: an exactly_once sink's lines reach it once HyDFS has them, and once each (the restarted
        // AggregateByKey task replays rounds whose appends it had made already).
        var followed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var waiting = JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId, lines => { foreach (var line in lines) followed.Enqueue(line); });

        foreach (var op in new[] { "Filter", "AggregateByKey" })
        {
            TaskInfo? victim = null;
            await AwaitAssertAsync(async () =>
            {
                var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
                victim = tasks.FirstOrDefault(t => t.Op == op && t.State == "RUNNING" && t.InPerSecond > 0);
                Assert.NotNull(victim);
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            Assert.IsType<TaskKilled>(await fixture.AskLeaderAsync<object>(new KillTask(victim!.Node, victim.Pid)));
            await AwaitAssertAsync(async () =>
            {
                var recoveries = (await fixture.AskLeaderAsync<RecoveryList>(new ListRecoveries())).Recoveries;
                Assert.Contains(recoveries, r => r.Task == victim.Task && r.FirstOutput is not null);
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        }

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("COMPLETED", job.Status);
        var written = await fixture.ReadLinesAsync("eo_task_out");
        ExactlyOnceChecks.AssertApp1Exact(written, ExactlyOnceChecks.App1Expected(source));
        // Every line is "key,count" with counts 1..n per key, so a line followed twice is a repeated one.
        Assert.NotEmpty(followed);
        Assert.Empty(followed.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(followed.Except(written));
        var mine = (await fixture.AskLeaderAsync<RecoveryList>(new ListRecoveries())).Recoveries.Where(r => r.Task.StartsWith(jobId + "/")).ToList();
        Assert.Equal(2, mine.Count);
        foreach (var r in mine)
        {
            output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
            Assert.NotEqual(r.OldNode, r.NewNode);
            Assert.True(r.Restarted < TimeSpan.FromSeconds(5), $"restart took {r.Restarted}");
        }
    }
}
