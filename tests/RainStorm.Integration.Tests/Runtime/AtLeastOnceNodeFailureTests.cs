using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>An exactly_once=false job on 4 <c>rainstorm node</c> processes while a worker node gets SIGKILL: once the
/// node is removed from the cluster the leader restarts the job from its source on the live nodes, and every line of
/// the failure-free result is in the destination at least once.</summary>
[Collection(ClusterLane.Name)]
public sealed class AtLeastOnceNodeFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task App2_at_least_once_restarts_from_its_last_checkpoint_after_kill_9_of_a_worker_node_and_loses_no_line()
    {
        var run = await FailureScenario.StartAsync(output, "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv alo_node_out false false 2000 0 0");
        await using var cluster = run.Cluster;
        var (source, jobId) = (run.Source, run.JobId);
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);
        var victimNode = await FailureScenario.WorkerProducingOutputAsync(cluster, jobId);
        cluster.NodeAt(victimNode).Kill();
        output.WriteLine($"kill -9 of {victimNode} at {DateTime.UtcNow:HH:mm:ss.fff}");

        // The new attempt runs on the live nodes only.
        await Poll.UntilAsync(async () =>
        {
            var tasks = (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks;
            return tasks.Count == 9 && tasks.All(t => t.Task.EndsWith("#2", StringComparison.Ordinal) && t.State == "RUNNING" && t.Node != victimNode);
        }, TimeSpan.FromSeconds(60), "the job's attempt 2 running on the live nodes (failure detection takes up to ~10 s, more on a loaded machine)");
        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("COMPLETED", job.Status);
        var expected = ExactlyOnceChecks.App2Expected(source);
        var written = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("alo_node_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine($"{expected.Count} lines expected, {written.Length} written ({written.Length - expected.Count} duplicates)");
        var counts = written.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(expected.GroupBy(l => l), g => Assert.True(counts.GetValueOrDefault(g.Key) >= g.Count(), $"line missing: {g.Key}"));
        Assert.All(counts.Keys, line => Assert.Contains(line, expected));
        Assert.Matches(AtLeastOnceRestartTests.RestartedLine(jobId, 2) + $"worker node {victimNode} left the cluster", cluster.Nodes[0].Output);
    }
}
