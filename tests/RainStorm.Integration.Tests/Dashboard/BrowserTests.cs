using System.Text.RegularExpressions;
using RainStorm.Integration.Tests.Support;
using Xunit.Abstractions;

namespace RainStorm.Integration.Tests.Dashboard;

/// <summary>The dashboard rendered by headless Chromium from a node that does not host the leader, while a job runs.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class BrowserTests(DashboardCluster dash, ITestOutputHelper output)
{
    /// <summary>Set to a directory (docs/) to keep the screenshots the test takes.</summary>
    private const string ScreenshotsVariable = "RAINSTORM_SCREENSHOTS";

    [GeneratedRegex("id=\"rate-chart\"[^>]*?data-points=\"(\\d+)\"")]
    private static partial Regex ChartPoints();

    [GeneratedRegex("class=\"stage[^\"]*\" data-stage=\"(\\d+)\" data-width=\"(\\d+)\"")]
    private static partial Regex StageBox();

    [GeneratedRegex("""<p id="bottleneck">(Bottleneck: [^<]+)</p>""")]
    private static partial Regex BottleneckLine();

    [Fact]
    public async Task The_job_page_shows_the_job_its_stages_every_node_and_a_bottleneck_and_keeps_chart_history_across_a_reload()
    {
        var jobId = await dash.SubmitAsync("RainStorm 2 3 Filter Sign AggregateByKey 3 Traffic_Signs.csv browser_out false false 150 0 0");
        try
        {
            await dash.WaitRunningAsync(1, jobId, 9);
            var page = new Uri(dash.Url(1), $"/#/job/{jobId}");
            // Some seconds of samples on the server first, so the chart has a history to keep.
            await Poll.UntilAsync(async () => (await dash.GetAsync(1, $"/api/v1/jobs/{jobId}/history")).Body.GetProperty("samples").GetArrayLength() >= 5,
                TimeSpan.FromSeconds(60), "5 rate samples on the server", 500);

            var dom = await Chromium.DumpDomAsync(page);
            Assert.Contains($"Job {jobId}", dom);
            Assert.Contains(">RUNNING<", dom);
            var stages = StageBox().Matches(dom).Select(m => (Stage: int.Parse(m.Groups[1].Value), Width: int.Parse(m.Groups[2].Value))).ToList();
            Assert.Equal([(0, 3), (1, 3), (2, 3)], stages);
            Assert.Contains(">1. Filter<", dom);
            Assert.Contains(">2. AggregateByKey<", dom);
            foreach (var node in dash.Cluster.Nodes) Assert.Contains(node.Address, dom);
            var bottleneck = BottleneckLine().Match(dom);
            Assert.True(bottleneck.Success, "no bottleneck line in the job page");
            output.WriteLine(bottleneck.Groups[1].Value);
            var before = Points(dom);
            Assert.True(before >= 5, $"the chart shows {before} samples");

            // A new browser is a reload with nothing kept on the client: the history comes from the server.
            var reloaded = await Chromium.DumpDomAsync(page);
            Assert.True(Points(reloaded) >= before, $"after the reload the chart shows {Points(reloaded)} samples, before {before}");

            var clusterDom = await Chromium.DumpDomAsync(new Uri(dash.Url(1), "/#/"));
            foreach (var node in dash.Cluster.Nodes) Assert.Contains($">{node.Address}<", clusterDom);
            Assert.Contains($">{jobId}<", clusterDom);
            Assert.Contains("hosts the leader", clusterDom);
            // 64-bit ring ids keep every digit in the page (a JavaScript number would round them).
            foreach (var member in (await dash.GetAsync(1, "/api/v1/cluster")).Body.GetProperty("hydfs_ring").EnumerateArray())
                Assert.Contains($">{member.GetProperty("ring_id").GetInt64()}<", clusterDom);

            await ScreenshotsAsync(page, new Uri(dash.Url(1), "/#/"));
        }
        finally
        {
            await dash.KillAsync(jobId);
        }
    }

    private static int Points(string dom)
    {
        var match = ChartPoints().Match(dom);
        Assert.True(match.Success, "no rate chart in the job page");
        return int.Parse(match.Groups[1].Value);
    }

    private async Task ScreenshotsAsync(Uri jobPage, Uri clusterPage)
    {
        var dir = Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 } keep ? keep : Directory.CreateTempSubdirectory("rainstorm-shots-").FullName;
        foreach (var (url, name, height) in new[] { (jobPage, "dashboard-job.png", 1400), (clusterPage, "dashboard-cluster.png", 800) })
        {
            var png = Path.Combine(dir, name);
            await Chromium.ScreenshotAsync(url, png, 1280, height);
            var head = File.ReadAllBytes(png).Take(8).ToArray();
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head);
            output.WriteLine($"screenshot {png}");
        }
    }
}
