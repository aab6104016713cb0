using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Integration.Tests.ExactlyOnce;

/// <summary>Issue 6 on 4 real <c>rainstorm node</c> processes: kill_task of a Filter and of an AggregateByKey task of
/// App 1 (exactly_once, paced to run over 20 s), and a worker node that comes back after kill -9 taking new tasks.</summary>
[Collection(NodeFailureLane.Name)]
public sealed class ProcessTaskFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task App1_exactly_once_on_node_processes_counts_exactly_after_kill_task_of_a_filter_and_an_aggregate()
    {
        // 15.5 K lines at 700 lines/s: about 22 s.
        var run = await FailureScenario.StartAsync(output,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv eo_proc_task_out true false 700 0 0");
        await using var cluster = run.Cluster;
        var waiting = JobRunner.WaitAsync(cluster.Client, cluster.Leader, run.JobId);

        foreach (var op in new[] { "Filter", "AggregateByKey" })
        {
            TaskInfo? victim = null;
            await Poll.UntilAsync(async () =>
            {
                var tasks = (await cluster.Leader.Ask<TaskList>(new ListTasks(run.JobId), Ask)).Tasks;
                victim = tasks.FirstOrDefault(t => t.Op == op && t.State == "RUNNING" && t.InPerSecond > 0);
                return victim is not null;
            }, TimeSpan.FromSeconds(60), $"a running {op} task with input");
            Assert.IsType<TaskKilled>(await cluster.Leader.Ask<object>(new KillTask(victim!.Node, victim.Pid), Ask));
            output.WriteLine($"kill_task {victim.Task} ({op}) on {victim.Node} at {DateTime.UtcNow:HH:mm:ss.fff}");
            await Poll.UntilAsync(async () => (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries
                .Any(r => r.Task == victim.Task && r.FirstOutput is not null), TimeSpan.FromSeconds(30), $"first output from the replacement of {victim.Task}");
        }

        var job = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("COMPLETED", job.Status);
        var lines = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("eo_proc_task_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(run.Source));
        var recoveries = (await cluster.Leader.Ask<RecoveryList>(new ListRecoveries(), Ask)).Recoveries;
        Assert.Equal(2, recoveries.Count);
        foreach (var r in recoveries)
        {
            output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
            Assert.NotEqual(r.OldNode, r.NewNode);
            // Target 1 s from the kill to the replacement's first output; generous here for a loaded CI machine.
            Assert.True(r.FirstOutput < TimeSpan.FromSeconds(5), $"first output {r.FirstOutput} after the kill");
        }
    }

    [Fact]
    public async Task A_worker_node_back_on_its_data_directory_after_kill_9_takes_tasks_of_new_jobs()
    {
        var run = await FailureScenario.StartAsync(output, "RainStorm 2 4 Filter Warning Transform 0-2 Traffic_Signs.csv back_first_out true false 0 0 0");
        await using var cluster = run.Cluster;
        Assert.Equal("COMPLETED", (await JobRunner.WaitAsync(cluster.Client, cluster.Leader, run.JobId).WaitAsync(TimeSpan.FromMinutes(2))).Status);

        var victim = cluster.Nodes[3];
        victim.Kill();
        await Poll.UntilAsync(async () => (await cluster.Leader.Ask<WorkerList>(new ListWorkers(), Ask)).Nodes.Count == 3,
            TimeSpan.FromSeconds(60), "the killed node removed from the leader's workers");
        var back = await cluster.RestartAsync(victim);
        output.WriteLine($"node {victim.Address} killed, back as {back.Address}");
        await cluster.WaitForWorkersAsync(4, TimeSpan.FromSeconds(60));

        // 4 tasks per stage on 4 workers: placement by load gives every worker one chain.
        var jobId = await JobRunner.SubmitAsync(cluster.Leader, "RainStorm 2 4 Filter Warning Transform 0-2 Traffic_Signs.csv back_second_out true false 2000 0 0");
        var nodes = (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks.Select(t => t.Node).ToHashSet();
        Assert.Contains(back.Address, nodes);
        var job = await JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("COMPLETED", job.Status);
        var actual = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync("back_second_out")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ExactlyOnceChecks.App2Expected(run.Source), actual);
    }
}
