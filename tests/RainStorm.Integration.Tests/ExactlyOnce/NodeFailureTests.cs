using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Integration.Tests.ExactlyOnce;

/// <summary>Issue 6 with real processes: 4 <c>rainstorm node</c> processes, App 2 with exactly_once paced to last over
/// 20 s, and a worker node killed with SIGKILL mid-job. Its tasks move to live nodes once the split brain resolver has
/// downed it, and the output equals the failure-free result as a multiset.</summary>
public sealed class NodeFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task App2_exactly_once_output_is_exact_after_kill_9_of_a_worker_node()
    {
        await using var cluster = await ProcessCluster.StartAsync(4, output);
        var source = RuntimeClusterFixture.TrafficSigns();
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, "Traffic_Signs.csv", source);
        var jobId = await JobRunner.SubmitAsync(cluster.Leader, "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv eo_node_out true false 700 0 0");
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);

        string? victimNode = null;
        await Poll.UntilAsync(async () =>
        {
            var tasks = (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks;
            victimNode = tasks.Where(t => t.Node != cluster.Nodes[0].Address && t.Op == "Transform" && t.OutPerSecond > 0)
                .Select(t => t.Node).FirstOrDefault();
            return victimNode is not null;
        }, TimeSpan.FromSeconds(60), "a worker node (not the leader's) producing output");
        var victim = cluster.NodeAt(victimNode!);
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        output.WriteLine($"kill -9 of {victimNode} (pid {victim.Pid}) at {killedAt:HH:mm:ss.fff}");

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal("COMPLETED", job.Status);
        var actual = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_node_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal).ToList();
        var expected = ExactlyOnceChecks.App2Expected(source);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries.Where(r => r.OldNode == victimNode).ToList();
        Assert.NotEmpty(recoveries);
        Assert.All(recoveries, r => Assert.NotEqual(victimNode, r.NewNode));
        foreach (var r in recoveries) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        var detected = recoveries.Min(r => r.FailedAt) - killedAt;
        var firstOutput = recoveries.Where(r => r.FirstOutput is not null).Select(r => r.FailedAt - killedAt + r.FirstOutput!.Value).DefaultIfEmpty().Max();
        output.WriteLine($"node failure: detected (downed and removed) {detected.TotalMilliseconds:0} ms after kill -9; " +
                         $"first output from the replacements {firstOutput.TotalMilliseconds:0} ms after kill -9");
        Assert.True(detected < TimeSpan.FromSeconds(10), $"the failure took {detected} to detect");
    }

    [Fact]
    public async Task App2_exactly_once_output_is_exact_after_kill_9_of_the_node_hosting_the_leader()
    {
        await using var cluster = await ProcessCluster.StartAsync(4, output);
        var source = RuntimeClusterFixture.TrafficSigns();
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, "Traffic_Signs.csv", source);
        var jobId = await JobRunner.SubmitAsync(cluster.Leader, "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv eo_leader_out true false 700 0 0");
        await Poll.UntilAsync(async () => (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks
            .Any(t => t.Op == "Transform" && t.OutPerSecond > 0), TimeSpan.FromSeconds(60), "output from the job");
        var leaderNode = cluster.Nodes[0];
        var killedAt = DateTime.UtcNow;
        leaderNode.Kill();
        output.WriteLine($"kill -9 of the leader's node {leaderNode.Address} (pid {leaderNode.Pid}) at {killedAt:HH:mm:ss.fff}");

        JobSummary? job = null;
        DateTime? leaderBackAt = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                var jobs = (await cluster.Leader.Ask<JobList>(new ListJobs(), TimeSpan.FromSeconds(3))).Jobs;
                leaderBackAt ??= DateTime.UtcNow;
                job = jobs.SingleOrDefault(j => j.JobId == jobId);
                return job is { Status: not "RUNNING" };
            }
            catch (AskTimeoutException)
            {
                return false; // no leader yet: the singleton is moving
            }
        }, TimeSpan.FromMinutes(2), "the job to end under the new leader", 250);

        Assert.Equal("COMPLETED", job!.Status);
        var actual = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_leader_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal).ToList();
        var expected = ExactlyOnceChecks.App2Expected(source);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
        foreach (var r in recoveries) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        var firstOutput = recoveries.Where(r => r.FirstOutput is not null).Select(r => r.FailedAt - killedAt + r.FirstOutput!.Value).DefaultIfEmpty().Max();
        output.WriteLine($"leader failure: new leader answering {(leaderBackAt!.Value - killedAt).TotalMilliseconds:0} ms after kill -9; " +
                         $"{recoveries.Count} tasks restarted, first output from the replacements {firstOutput.TotalMilliseconds:0} ms after kill -9");
    }
}
