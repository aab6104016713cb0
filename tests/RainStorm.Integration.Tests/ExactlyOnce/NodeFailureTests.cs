using System.Collections.Concurrent;
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
        var run = await FailureScenario.StartAsync(output, "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv eo_node_out true false 700 0 0");
        await using var cluster = run.Cluster;
        var (source, jobId) = (run.Source, run.JobId);
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);
        var victimNode = await FailureScenario.WorkerProducingOutputAsync(cluster, jobId);
        var victim = cluster.NodeAt(victimNode);
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
        // A chain (task i of every stage) that died with its node restarts on one node: its forward edges stay local.
        Assert.All(recoveries.GroupBy(r => r.Task.Split('/')[^1]), chain => Assert.Single(chain.Select(r => r.NewNode).Distinct()));
        foreach (var r in recoveries) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        var detected = recoveries.Min(r => r.FailedAt) - killedAt;
        var firstOutput = recoveries.Where(r => r.FirstOutput is not null).Select(r => r.FailedAt - killedAt + r.FirstOutput!.Value).DefaultIfEmpty().Max();
        output.WriteLine($"node failure: detected (downed and removed) {detected.TotalMilliseconds:0} ms after kill -9; " +
                         $"first output from the replacements {firstOutput.TotalMilliseconds:0} ms after kill -9");
        // How fast (the 10 s target) is measured by the benchmarks; this test asserts only exact output and placement.
    }

    [Fact]
    public async Task App2_exactly_once_output_is_exact_after_kill_9_of_the_node_hosting_the_leader()
    {
        // 4 tasks per stage on 4 nodes: every node runs one chain, so the leader's node takes tasks down with it.
        var run = await FailureScenario.StartAsync(output, "RainStorm 2 4 Filter Warning Transform 0-2 Traffic_Signs.csv eo_leader_out true false 700 0 0");
        await using var cluster = run.Cluster;
        var (source, jobId) = (run.Source, run.JobId);
        // A waiter and a follower registered with the old leader: both must be answered by the new one.
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);
        var followed = new ConcurrentQueue<(DateTime At, string Line)>();
        var following = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId,
            lines => { foreach (var line in lines) followed.Enqueue((DateTime.UtcNow, line)); });
        await Poll.UntilAsync(async () => !followed.IsEmpty && (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks
            .Any(t => t.Op == "Transform" && t.OutPerSecond > 0), TimeSpan.FromSeconds(60), "output from the job, streamed to the follower");
        var leaderNode = cluster.Nodes[0];
        var killedAt = DateTime.UtcNow;
        leaderNode.Kill();
        output.WriteLine($"kill -9 of the leader's node {leaderNode.Address} (pid {leaderNode.Pid}) at {killedAt:HH:mm:ss.fff}");

        DateTime? leaderBackAt = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await cluster.Leader.Ask<JobList>(new ListJobs(), TimeSpan.FromSeconds(3));
                leaderBackAt = DateTime.UtcNow;
                return true;
            }
            catch (AskTimeoutException)
            {
                return false; // no leader yet: the singleton is moving
            }
        }, TimeSpan.FromMinutes(1), "the new leader to answer", 250);

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        var followedJob = await following.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("COMPLETED", job.Status);
        Assert.Equal("COMPLETED", followedJob.Status);
        var actual = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_leader_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal).ToList();
        var expected = ExactlyOnceChecks.App2Expected(source);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
        // The live stream may miss lines produced during the hand-over (they are in the file), never invent any, and
        // goes on under the new leader.
        var expectedLines = expected.ToHashSet(StringComparer.Ordinal);
        Assert.All(followed, f => Assert.Contains(f.Line, expectedLines));
        var streamedAfter = followed.Count(f => f.At > leaderBackAt!.Value);
        Assert.True(streamedAfter > 0, "the follower received no output line from the new leader");

        var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
        foreach (var r in recoveries) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        Assert.NotEmpty(recoveries);
        Assert.All(recoveries, r => Assert.NotEqual(leaderNode.Address, r.NewNode));
        var firstOutput = recoveries.Where(r => r.FirstOutput is not null).Select(r => r.FailedAt - killedAt + r.FirstOutput!.Value).DefaultIfEmpty().Max();
        var restartedAt = recoveries.Min(r => r.FailedAt) - killedAt;
        output.WriteLine($"leader failure: new leader answering {(leaderBackAt!.Value - killedAt).TotalMilliseconds:0} ms after kill -9; " +
                         $"{recoveries.Count} tasks restarted {restartedAt.TotalMilliseconds:0} ms after kill -9, first output from the replacements " +
                         $"{firstOutput.TotalMilliseconds:0} ms after kill -9; follower got {followed.Count} of {expected.Count} lines live " +
                         $"({streamedAfter} after the new leader answered)");
    }
}
