using System.Net;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Dashboard;

/// <summary><c>/metrics</c> of three node processes, parsed: each node exposes the tasks that ran on it, and the sums
/// over the nodes agree with what <c>jobs</c> reports.</summary>
[Collection(DashboardCollection.Name)]
public sealed class MetricsTests(DashboardCluster dash)
{
    [Fact]
    public async Task Records_counters_summed_over_the_nodes_equal_the_tuples_jobs_reports()
    {
        var jobId = await dash.SubmitAsync("RainStorm 2 3 Filter Sign Transform 0,1 Traffic_Signs.csv metrics_out false false 0 0 0");
        var job = await dash.WaitEndedAsync(1, jobId);
        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        long tuplesIn = job.GetProperty("in").GetInt64(), tuplesOut = job.GetProperty("out").GetInt64();
        Assert.True(tuplesIn > 10_000 && tuplesOut > 0, $"in {tuplesIn}, out {tuplesOut}");

        var scrapes = new List<PrometheusText>();
        for (var node = 0; node < 3; node++)
        {
            using var response = await dash.Http.GetAsync(new Uri(dash.Url(node), "/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
            scrapes.Add(PrometheusText.Parse(await response.Content.ReadAsStringAsync()));
        }
        double Sum(string metric, int stage) =>
            scrapes.Sum(s => s.Of(metric, ("job", jobId), ("stage", stage.ToString())).Sum(x => x.Value));

        // The sources read jobs' IN lines; stage 1 received every tuple they emitted (the sources emit only the lines
        // stage 1's Filter passes, see SourceFeed.PrefilterOf); the last stage emitted jobs' OUT.
        Assert.Equal(tuplesIn, Sum("rainstorm_task_records_in_total", 0));
        Assert.Equal(Sum("rainstorm_task_records_out_total", 0), Sum("rainstorm_task_records_in_total", 1));
        Assert.Equal(Sum("rainstorm_task_records_in_total", 1), Sum("rainstorm_task_records_out_total", 1));
        Assert.InRange(Sum("rainstorm_task_records_out_total", 0), 1, tuplesIn - 1);
        Assert.Equal(tuplesOut, Sum("rainstorm_task_records_out_total", 2));
        Assert.Equal(Sum("rainstorm_task_records_out_total", 1), Sum("rainstorm_task_records_in_total", 2));
        // Each of the 9 tasks is exposed by exactly one node, the one it ran on.
        var series = scrapes.SelectMany(s => s.Of("rainstorm_task_records_in_total", ("job", jobId))).Select(x => x.Labels["task"]).ToList();
        Assert.Equal(9, series.Count);
        Assert.Equal(9, series.Distinct().Count());
        Assert.True(Sum("rainstorm_task_busy_seconds_total", 1) > 0, "stage 1 spent no busy time");

        foreach (var scrape in scrapes)
        {
            Assert.Equal("counter", scrape.Types["rainstorm_task_records_in_total"]);
            Assert.Equal("counter", scrape.Types["rainstorm_task_backpressured_seconds_total"]);
            Assert.Equal("gauge", scrape.Types["rainstorm_edge_inflight_batches"]);
            Assert.Equal("gauge", scrape.Types["dotnet_gc_heap_bytes"]);
            Assert.True(scrape.Help.ContainsKey("rainstorm_hydfs_stored_bytes"));
            Assert.Equal(1, scrape.Of("rainstorm_build_info").Single().Value);
            Assert.True(scrape.Of("rainstorm_hydfs_stored_bytes").Single().Value >= new FileInfo(Runtime.RuntimeClusterFixture.TrafficSigns()).Length);
        }
        // Job-level counters come from the node that hosts the leader only (node 0), so sums never count a job twice.
        await Poll.UntilAsync(async () =>
        {
            var leader = PrometheusText.Parse(await dash.Http.GetStringAsync(new Uri(dash.Url(0), "/metrics")));
            return leader.Of("rainstorm_task_restarts_total", ("job", jobId)).Count() == 1;
        }, TimeSpan.FromSeconds(30), "the leader's node to expose the job's restart counter", 500);
        Assert.Empty(scrapes[1].Of("rainstorm_task_restarts_total", ("job", jobId)));
        Assert.Empty(scrapes[2].Of("rainstorm_task_restarts_total", ("job", jobId)));
    }
}
