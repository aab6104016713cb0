using System.Text;
using Akka.Actor;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Integration.Tests.Elastic;

/// <summary>
/// The autoscaler on 3 <c>rainstorm node</c> processes, three autoscaled jobs at once on one cluster (one minute):
/// a saturated user operator grows when its input rate steps up, although what reaches it stays what it manages (its
/// credit window was already full: nothing but the source's pace shows the demand); a job steady inside its band
/// makes no rescale in 60 s; a job offered less than low_wm per task shrinks, never below one task, and loses and
/// duplicates nothing.
/// </summary>
[Collection(ClusterLane.Name)]
public sealed class AutoscaleProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_saturated_operator_grows_a_steady_job_never_rescales_and_an_underloaded_one_shrinks_to_one_task_exactly()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await using var cluster = await ProcessCluster.StartAsync(3, output, withOperators: true, tolerant: true);
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, "Traffic_Signs.csv", source);
        // 10 ms per tuple: one task manages under 100 tuples/s, far below high_wm 400; paced at 150 it is saturated but
        // inside the band, until the rate steps up to 1,200.
        OperatorScript.Write(cluster.OperatorDir, "slow",
            "awk '{ line[NR] = $0 } END { system(\"sleep \" NR * 0.01); for (i = 1; i <= NR; i++) print line[i] }'");

        var saturated = await JobRunner.SubmitAsync(cluster.Leader, "RainStorm 1 1 slow x Traffic_Signs.csv auto_slow false true 150 20 400");
        // 200 tuples/s on one task, inside 100..500: 15.5 K lines take about 78 s.
        var steady = await JobRunner.SubmitAsync(cluster.Leader, "RainStorm 1 1 Filter , Traffic_Signs.csv auto_steady false true 200 100 500");
        // 150 tuples/s over 3 tasks per stage: 50 per task, below low_wm 100 (the Transform stage gets only the warnings).
        var underloaded = await JobRunner.SubmitAsync(cluster.Leader,
            "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv auto_shrink false true 150 100 500");
        var steadySince = DateTime.UtcNow;

        await Poll.UntilAsync(async () => (await JobAsync(cluster, saturated)).TuplesIn >= 600, TimeSpan.FromSeconds(60),
            "the saturated job past its start (its credit window full)");
        Assert.Empty(await HistoryAsync(cluster, saturated));
        Assert.IsType<JobRateSet>(await cluster.Leader.Ask<object>(new SetJobRate(saturated, 1200), Ask));
        var grown = await Poll.UntilAsync(async () => (await HistoryAsync(cluster, saturated))
            .FirstOrDefault(e => e is { Stage: 1, By: "autoscaler", Refusal: null } && e.To > e.From), TimeSpan.FromSeconds(60),
            "the autoscaler growing the saturated stage");
        output.WriteLine($"saturated: {grown.From} -> {grown.To}: {grown.Reason}");
        Assert.Equal(1, grown.From);
        await Poll.UntilAsync(async () => (await WidthsAsync(cluster, saturated))[1] > 1, TimeSpan.FromSeconds(30), "the saturated stage wider");
        await cluster.Leader.Ask<JobKilled>(new KillJob(saturated), Ask);

        foreach (var stage in new[] { 1, 2 })
            await Poll.UntilAsync(async () => (await WidthsAsync(cluster, underloaded))[stage] == 1, TimeSpan.FromSeconds(60),
                $"stage {stage} of the underloaded job shrunk to one task");
        // Still below low_wm at one task, and lower still: the stage stays at one task.
        Assert.IsType<JobRateSet>(await cluster.Leader.Ask<object>(new SetJobRate(underloaded, 30), Ask));

        var left = TimeSpan.FromSeconds(60) - (DateTime.UtcNow - steadySince);
        if (left > TimeSpan.Zero)
            await Poll.UntilAsync(async () => (await HistoryAsync(cluster, steady)).Count > 0 || DateTime.UtcNow - steadySince >= TimeSpan.FromSeconds(60),
                left + TimeSpan.FromSeconds(10), "60 s of the steady job");
        Assert.Empty(await HistoryAsync(cluster, steady));
        Assert.Equal("RUNNING", (await JobAsync(cluster, steady)).Status);

        var shrinks = await HistoryAsync(cluster, underloaded);
        foreach (var entry in shrinks) output.WriteLine($"underloaded: stage {entry.Stage} {entry.From} -> {entry.To}: {entry.Reason}");
        Assert.All(shrinks, e => Assert.True(e.To >= 1 && e.To < e.From, $"stage {e.Stage} {e.From} -> {e.To}"));
        Assert.Equal([3, 1, 1], await WidthsAsync(cluster, underloaded));

        foreach (var job in new[] { steady, underloaded })
            Assert.IsType<JobRateSet>(await cluster.Leader.Ask<object>(new SetJobRate(job, 0), Ask));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var job in new[] { steady, underloaded })
            Assert.Equal("COMPLETED", (await JobRunner.WaitAsync(cluster.Client, cluster.Leader, job, ct: cts.Token)).Status);
        Assert.Equal(ExactlyOnceChecks.App2Expected(source), (await ReadLinesAsync(cluster, "auto_shrink")).Order(StringComparer.Ordinal).ToList());
        var all = await ReadLinesAsync(cluster, "auto_steady");
        Assert.Equal(ReferenceCsv.Lines(source).Count(l => l.Contains(',')), all.Length);
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    private static async Task<IReadOnlyList<ScalingEntry>> HistoryAsync(ProcessCluster cluster, string jobId) =>
        (await cluster.Leader.Ask<ScalingHistory>(new ListScaling(jobId), Ask)).Entries;

    private static async Task<JobSummary> JobAsync(ProcessCluster cluster, string jobId) =>
        (await cluster.Leader.Ask<JobList>(new ListJobs(), Ask)).Jobs.Single(j => j.JobId == jobId);

    private static async Task<IReadOnlyList<int>> WidthsAsync(ProcessCluster cluster, string jobId) => (await JobAsync(cluster, jobId)).Widths!;

    private static async Task<string[]> ReadLinesAsync(ProcessCluster cluster, string name) =>
        Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync(name)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
