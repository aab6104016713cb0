using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Integration.Tests.Elastic;

/// <summary>Issue 11's exactly_once acceptance on 4 <c>rainstorm node</c> processes: App 1 (exactly_once, paced to run
/// about a minute) has its AggregateByKey stage rescaled at least 10 times up and down while it runs, with a kill_task
/// right behind one rescale request (its failure lands while the rescale runs) and a kill -9 of a worker node between two others; per
/// key the output counts are exactly 1..n, each once, n the independent count.</summary>
[Collection(NodeFailureLane.Name)]
public sealed class ExactlyOnceRescaleProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exactly_once_App1_rescaled_ten_times_through_a_kill_task_and_a_kill_9_counts_every_key_exactly_1_to_n()
    {
        // 15.5 K lines at 250 lines/s: about a minute.
        var run = await FailureScenario.StartAsync(output,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv eo_rescale_proc_out true false 250 0 0");
        await using var cluster = run.Cluster;
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, run.JobId);

        int[] widths = [5, 2, 4, 1, 3, 6, 2, 4, 3, 5, 2, 4, 1, 3];
        var done = 0;
        var rolledBack = new List<string>();
        for (var i = 0; i < widths.Length && done < 12; i++)
        {
            await UntilRescalableAsync(cluster, run.JobId);
            if (i == 6)
            {
                var node = await AggregateNodeAsync(cluster, run.JobId);
                cluster.NodeAt(node).Kill();
                output.WriteLine($"kill -9 of {node} at {DateTime.UtcNow:HH:mm:ss.fff}");
                await UntilRescalableAsync(cluster, run.JobId);
            }
            // At step 3 an AggregateByKey task is killed right behind the rescale request (both go to the leader in
            // order): its failure reaches the job master while the rescale runs, which rolls it back.
            var victim = i == 3 ? (await Tasks(cluster, run.JobId)).First(t => t.Op == "AggregateByKey") : null;
            var answer = await RescaleAsync(cluster, run.JobId, widths[i], victim);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stage 2 -> {widths[i]}: {answer}");
            if (answer is StageRescaled)
            {
                done++;
                continue;
            }
            var message = Assert.IsType<CommandFailed>(answer).Message;
            Assert.Contains("rolled back", message);
            rolledBack.Add(message);
        }
        output.WriteLine($"{done} rescales, {rolledBack.Count} rolled back");
        Assert.True(done >= 10, $"only {done} rescales of the AggregateByKey stage ran before the source was read to the end");

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal("COMPLETED", job.Status);
        var lines = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_rescale_proc_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(run.Source));
    }

    [Fact]
    public async Task Exactly_once_App1_counts_exactly_when_the_leaders_node_dies_right_after_a_shrink_and_the_new_leader_rescales_on()
    {
        var run = await FailureScenario.StartAsync(output,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv eo_rescale_leader_out true false 250 0 0");
        await using var cluster = run.Cluster;
        await UntilRescalableAsync(cluster, run.JobId);
        Assert.IsType<StageRescaled>(await RescaleAsync(cluster, run.JobId, 5, null));
        await UntilRescalableAsync(cluster, run.JobId);
        // The shrink's three leaving tasks finish what they hold after its commit: the leader's node dies meanwhile.
        Assert.IsType<StageRescaled>(await RescaleAsync(cluster, run.JobId, 2, null));
        var leaderNode = cluster.Nodes[0];
        leaderNode.Kill();
        output.WriteLine($"kill -9 of the leader's node {leaderNode.Address} at {DateTime.UtcNow:HH:mm:ss.fff}, right after the shrink 5 -> 2");

        await Poll.UntilAsync(async () =>
        {
            try
            {
                await cluster.Leader.Ask<JobList>(new ListJobs(), TimeSpan.FromSeconds(3));
                return true;
            }
            catch (AskTimeoutException)
            {
                return false; // no leader yet: the singleton is moving
            }
        }, TimeSpan.FromMinutes(1), "the new leader to answer", 250);
        var widths = (await cluster.Leader.Ask<JobList>(new ListJobs(), Ask)).Jobs.Single(j => j.JobId == run.JobId).Widths!;
        Assert.Equal(2, widths[2]);

        // The new leader rescales the job on (its epoch and task generations come from the job table).
        foreach (var width in new[] { 4, 3 })
        {
            await UntilRescalableAsync(cluster, run.JobId);
            var answer = await RescaleAsync(cluster, run.JobId, width, null);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stage 2 -> {width} under the new leader: {answer}");
            Assert.IsType<StageRescaled>(answer);
        }

        var job = await JobRunner.WaitAsync(cluster.Client, cluster.Leader, run.JobId).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal("COMPLETED", job.Status);
        var lines = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_rescale_leader_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(run.Source));
    }

    /// <summary>Asks for the rescale (with <paramref name="victim"/> killed right behind the request), again while tasks
    /// that left in the previous one still finish or a task restarts; the answer, a rescale or a roll back.</summary>
    private async Task<object> RescaleAsync(ProcessCluster cluster, string jobId, int tasks, TaskInfo? victim)
    {
        while (true)
        {
            var asking = cluster.Leader.Ask<object>(new RescaleStage(jobId, 2, tasks), Ask);
            if (victim is not null)
            {
                Assert.IsType<TaskKilled>(await cluster.Leader.Ask<object>(new KillTask(victim.Node, victim.Pid), Ask));
                output.WriteLine($"kill_task {victim.Task} right behind the rescale to {tasks}");
                victim = null;
            }
            var answer = await asking;
            if (answer is not CommandFailed { Message: var m } ||
                !(m.Contains("still finishing", StringComparison.Ordinal) || m.Contains("not running", StringComparison.Ordinal))) return answer;
            output.WriteLine($"refused for now: {m}");
            await UntilRescalableAsync(cluster, jobId);
        }
    }

    private static async Task<IReadOnlyList<TaskInfo>> Tasks(ProcessCluster cluster, string jobId) =>
        (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks;

    /// <summary>Until every task of the job runs (a rescale is refused while one restarts) and the job takes input.</summary>
    private static Task UntilRescalableAsync(ProcessCluster cluster, string jobId) => Poll.UntilAsync(async () =>
    {
        var tasks = await Tasks(cluster, jobId);
        return tasks.Count > 0 && tasks.All(t => t.State == "RUNNING") && tasks.Any(t => t.InPerSecond > 0);
    }, TimeSpan.FromSeconds(90), $"every task of {jobId} running", 100);

    /// <summary>A worker node other than the leader's that runs an AggregateByKey task of the job.</summary>
    private static async Task<string> AggregateNodeAsync(ProcessCluster cluster, string jobId) =>
        (await Tasks(cluster, jobId)).First(t => t.Op == "AggregateByKey" && t.Node != cluster.Nodes[0].Address).Node;
}
