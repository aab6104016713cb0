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
[Collection(NodeFailureLane.Name)]
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
        const string jobLine = "RainStorm 2 4 Filter Warning Transform 0-2 Traffic_Signs.csv eo_leader_out true false 700 0 0";
        const string submitKey = "leader-move-submit";
        var cmdPort = FreePort.Next();
        // One ask attempt of 3 s, so the CLI notices the missing leader well before the new one answers.
        var run = await FailureScenario.StartAsync(output, jobLine, submitKey, cmdPort, "rainstorm.command.ask-timeout = 3s");
        await using var cluster = run.Cluster;
        var (source, jobId) = (run.Source, run.JobId);
        var endpoint = $"127.0.0.1:{cmdPort}";
        // The real CLI following the job through the client node's command endpoint.
        var cliFollower = CliRun.Start(endpoint, "wait", jobId, "--follow", "--timeout", "240");
        // A waiter and a follower registered with the old leader: both must be answered by the new one.
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);
        var followed = new ConcurrentQueue<(DateTime At, string Line)>();
        var following = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId,
            lines => { foreach (var line in lines) followed.Enqueue((DateTime.UtcNow, line)); });
        await Poll.UntilAsync(async () => !followed.IsEmpty && (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks
            .Any(t => t.Op == "Transform" && t.OutPerSecond > 0) && cliFollower.OutLines.Count > 0, TimeSpan.FromSeconds(60),
            "output from the job, streamed to the followers");
        var leaderNode = cluster.Nodes[0];
        var killedAt = DateTime.UtcNow;
        leaderNode.Kill();
        output.WriteLine($"kill -9 of the leader's node {leaderNode.Address} (pid {leaderNode.Pid}) at {killedAt:HH:mm:ss.fff}");
        // A command typed just after the kill rides out the move: one line says it waits, then it answers.
        var jobsRun = CliRun.Start(endpoint, "jobs", "--timeout", "120");
        var jobsAnswered = jobsRun.Exit.ContinueWith(_ => DateTime.UtcNow);

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

        Assert.Equal(0, await jobsRun.Exit.WaitAsync(TimeSpan.FromMinutes(3)));
        var jobsAnsweredAt = await jobsAnswered;
        Assert.Contains(jobsRun.OutLines, l => l.StartsWith(jobId + " ", StringComparison.Ordinal));
        Assert.Single(jobsRun.ErrLines, l => l.StartsWith("waiting for a new leader", StringComparison.Ordinal));
        // The same submit again (a client retrying across the move): the new leader knows its key from the journal.
        Assert.Equal(jobId, await JobRunner.SubmitAsync(cluster.Leader, jobLine, idempotencyKey: submitKey));
        Assert.Single((await cluster.Leader.Ask<JobList>(new ListJobs(), Ask)).Jobs);

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        var followedJob = await following.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await cliFollower.Exit.WaitAsync(TimeSpan.FromMinutes(2)));

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
        // The CLI follower misses nothing and repeats nothing: what the stream lacked it read from the destination file.
        var cliLines = cliFollower.OutLines;
        Assert.StartsWith($"Job {jobId} COMPLETED", cliLines[^1]);
        Assert.Equal(expected, cliLines.SkipLast(1).Order(StringComparer.Ordinal).ToList());
        Assert.True(cliFollower.ErrLines.Count(l => l.StartsWith("waiting for a new leader", StringComparison.Ordinal)) <= 1,
            string.Join("\n", cliFollower.ErrLines));

        var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
        foreach (var r in recoveries) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        Assert.NotEmpty(recoveries);
        Assert.All(recoveries, r => Assert.NotEqual(leaderNode.Address, r.NewNode));
        var firstOutput = recoveries.Where(r => r.FirstOutput is not null).Select(r => r.FailedAt - killedAt + r.FirstOutput!.Value).DefaultIfEmpty().Max();
        var restartedAt = recoveries.Min(r => r.FailedAt) - killedAt;
        output.WriteLine($"leader failure: new leader answering {(leaderBackAt!.Value - killedAt).TotalMilliseconds:0} ms after kill -9; " +
                         $"{recoveries.Count} tasks restarted {restartedAt.TotalMilliseconds:0} ms after kill -9, first output from the replacements " +
                         $"{firstOutput.TotalMilliseconds:0} ms after kill -9; follower got {followed.Count} of {expected.Count} lines live " +
                         $"({streamedAfter} after the new leader answered); CLI 'jobs' typed at the kill answered after " +
                         $"{(jobsAnsweredAt - killedAt).TotalMilliseconds:0} ms; CLI follower notes: {string.Join(" | ", cliFollower.ErrLines)}");
    }
}
