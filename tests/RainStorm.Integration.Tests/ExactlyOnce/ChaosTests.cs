using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Integration.Tests.ExactlyOnce;

/// <summary>Issue 6's chaos test: 10 failures drawn at random (seeded) during one exactly_once App 1 job on 4 node
/// processes: kill_task of any running task (source, Filter, AggregateByKey) and kill -9 of worker nodes other than
/// the leader's. Each failure waits for the previous recovery; the counts must still be exact.</summary>
[Collection(NodeFailureLane.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Failures = 10;
    private const int NodeKills = 2;
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task App1_exactly_once_counts_are_exact_after_ten_random_task_and_node_failures()
    {
        var run = await FailureScenario.StartAsync(output,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv eo_chaos_out true false 300 0 0");
        await using var cluster = run.Cluster;
        var (source, jobId) = (run.Source, run.JobId);
        var random = new Random(20261125);
        var nodeKillAt = Enumerable.Range(1, Failures - 1).OrderBy(_ => random.Next()).Take(NodeKills).ToHashSet();
        var log = new List<string>();

        for (var failure = 0; failure < Failures; failure++)
        {
            var tasks = await RunningTasksAsync(cluster, jobId);
            var before = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries.Count;
            var at = DateTime.UtcNow;
            if (nodeKillAt.Contains(failure))
            {
                var candidates = tasks.Select(t => t.Node).Where(n => n != cluster.Nodes[0].Address).Distinct().Order().ToList();
                var node = cluster.NodeAt(candidates[random.Next(candidates.Count)]);
                node.Kill();
                log.Add($"failure {failure + 1}: kill -9 of node {node.Address} at {at:HH:mm:ss.fff}");
            }
            else
            {
                var victim = tasks[random.Next(tasks.Count)];
                Assert.IsType<TaskKilled>(await cluster.Leader.Ask<object>(new KillTask(victim.Node, victim.Pid), Ask));
                log.Add($"failure {failure + 1}: kill_task {victim.Task} ({victim.Op}) on {victim.Node} at {at:HH:mm:ss.fff}");
            }
            // The next failure comes once every task killed by this one runs again.
            await Poll.UntilAsync(async () =>
            {
                var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
                return recoveries.Count > before && recoveries.Skip(before).All(r => r.Restarted is not null);
            }, TimeSpan.FromSeconds(60), $"recovery from failure {failure + 1}");
        }

        var job = await WaitEndAsync(cluster, jobId);
        foreach (var line in log) output.WriteLine(line);
        var all = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
        foreach (var r in all) output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
        Assert.Equal("COMPLETED", job.Status);
        var lines = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_chaos_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(source));
        Assert.True(all.Count >= Failures, $"{all.Count} restarts for {Failures} failures");
    }

    /// <summary>The job's running tasks once it is past its start (every task running and the source emitting).</summary>
    private static async Task<List<TaskInfo>> RunningTasksAsync(ProcessCluster cluster, string jobId)
    {
        List<TaskInfo> running = [];
        await Poll.UntilAsync(async () =>
        {
            var tasks = (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks;
            Assert.DoesNotContain(tasks, t => t.State is "COMPLETED" or "STOPPED" or "FAILED");
            running = tasks.Where(t => t.State == "RUNNING").ToList();
            return running.Count == tasks.Count && tasks.Any(t => t.Op == "source" && t.OutPerSecond > 0);
        }, TimeSpan.FromSeconds(60), "every task of the job running");
        return running;
    }

    private static async Task<JobSummary> WaitEndAsync(ProcessCluster cluster, string jobId)
    {
        JobSummary? job = null;
        await Poll.UntilAsync(async () =>
        {
            job = (await cluster.Leader.Ask<JobList>(new ListJobs(), Ask)).Jobs.Single(j => j.JobId == jobId);
            return job.Status != "RUNNING";
        }, TimeSpan.FromMinutes(2), "the job to end", 250);
        return job!;
    }
}
