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

    /// <summary>Where the stage boxes, the page and the header sit once laid out.</summary>
    private const string Layout = """
        (() => {
          const box = e => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, width: r.width }; };
          return {
            viewport: window.innerWidth,
            page: document.documentElement.scrollWidth,
            graph: box(document.getElementById("stage-graph")),
            stages: [...document.querySelectorAll("#stage-graph .stage")].map(box),
            rightmost: Math.max(...[...document.querySelectorAll("header, header nav a, section")].map(e => e.getBoundingClientRect().right)),
          };
        })()
        """;

    [Theory]
    [InlineData(400, true)]
    [InlineData(1280, false)]
    public async Task The_job_page_fits_the_window_stacking_its_stages_on_a_narrow_one(int width, bool stacked)
    {
        var jobId = await dash.SubmitAsync($"RainStorm 2 2 Filter Sign AggregateByKey 3 Traffic_Signs.csv narrow_out_{width} false false 150 0 0");
        try
        {
            await dash.WaitRunningAsync(1, jobId, 6);
            await using var page = await ChromiumPage.OpenAsync(new Uri(dash.Url(1), $"/#/job/{jobId}"), width, 900);
            await page.WaitUntilAsync("document.querySelectorAll('#stage-graph .stage').length === 3 && document.getElementById('tasks')",
                TimeSpan.FromSeconds(60), "the stage graph and the task table");
            var layout = (await page.EvaluateAsync(Layout))!;
            output.WriteLine(layout.ToJsonString());
            var viewport = layout["viewport"]!.GetValue<double>();
            Assert.Equal(width, viewport);
            Assert.True(layout["page"]!.GetValue<double>() <= viewport, $"the page is wider than the window: {layout.ToJsonString()}");
            Assert.True(layout["rightmost"]!.GetValue<double>() <= viewport + 0.5, $"the header or a section sticks out of the window: {layout.ToJsonString()}");
            var graphWidth = layout["graph"]!["width"]!.GetValue<double>();
            var stages = layout["stages"]!.AsArray().Select(b => (Top: b!["top"]!.GetValue<double>(), Width: b["width"]!.GetValue<double>())).ToList();
            if (stacked)
            {
                Assert.All(stages, s => Assert.True(s.Width >= 0.8 * graphWidth, $"a stage box is {s.Width} px of {graphWidth}: not stacked"));
                Assert.True(stages.Zip(stages.Skip(1)).All(p => p.Second.Top > p.First.Top), "the stage boxes are not one under the other");
            }
            else
            {
                Assert.True(stages.All(s => Math.Abs(s.Top - stages[0].Top) < 1), "on a wide window the stages sit side by side");
            }
        }
        finally
        {
            await dash.KillAsync(jobId);
        }
    }

    [Fact]
    public async Task The_rescale_control_of_the_job_page_rescales_the_stage_with_the_token_and_is_read_only_without_one()
    {
        var jobId = await dash.SubmitAsync("RainStorm 2 2 Filter Sign AggregateByKey 3 Traffic_Signs.csv page_rescale_out false false 150 0 0");
        try
        {
            await dash.WaitRunningAsync(1, jobId, 6);
            await using (var readOnly = await ChromiumPage.OpenAsync(new Uri(dash.Url(2), $"/#/job/{jobId}"), 1280, 900))
            {
                await readOnly.WaitUntilAsync("document.getElementById('rescale-2-go')", TimeSpan.FromSeconds(60), "the rescale control");
                Assert.True((await readOnly.EvaluateAsync("document.getElementById('rescale-2-go').disabled"))!.GetValue<bool>());
                Assert.Contains("Read-only", (await readOnly.EvaluateAsync("document.getElementById('actions-state').textContent"))!.GetValue<string>());
            }

            await using var page = await ChromiumPage.OpenAsync(new Uri(dash.Url(1), $"/#/job/{jobId}"), 1280, 900);
            await page.EvaluateAsync($"sessionStorage.setItem('rainstorm-token', '{DashboardCluster.Token}')");
            await page.WaitUntilAsync("document.getElementById('rescale-2-go') && !document.getElementById('rescale-2-go').disabled",
                TimeSpan.FromSeconds(60), "an enabled rescale control");
            // The leader refuses (409, shown as the page's error line) while the job still starts its tasks: click again then.
            const string rescaled = "document.querySelector('#stage-graph [data-stage=\"2\"][data-width=\"3\"]')";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                await page.EvaluateAsync("""
                    (() => { document.getElementById('status').className = '';
                             const input = document.getElementById('rescale-2'); input.value = '3'; input.dispatchEvent(new Event('input'));
                             document.getElementById('rescale-2-go').click(); })()
                    """);
                await page.WaitUntilAsync($"document.getElementById('status').className === 'error' || {rescaled}", TimeSpan.FromSeconds(60), "the rescale's answer");
                if (await page.EvaluateAsync($"!!{rescaled}") is { } done && done.GetValue<bool>()) break;
                var refusal = (await page.EvaluateAsync("document.getElementById('status').textContent"))!.GetValue<string>();
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the page's rescale was refused: {refusal}");
                output.WriteLine($"refused, again: {refusal}");
            }
            var (_, job) = await dash.GetAsync(0, $"/api/v1/jobs/{jobId}");
            Assert.Equal(3, job.GetProperty("stages")[2].GetProperty("width").GetInt32());
            Assert.Equal("command", Assert.Single(job.GetProperty("scaling").EnumerateArray()).GetProperty("by").GetString());
            await page.WaitUntilAsync("[...document.querySelectorAll('#timeline li[data-kind=rescale]')].some(li => li.textContent.includes('2 -> 3 tasks'))",
                TimeSpan.FromSeconds(60), "the rescale in the timeline");
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
