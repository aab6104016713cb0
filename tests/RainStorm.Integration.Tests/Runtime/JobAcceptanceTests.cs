using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>Issue 5's acceptance jobs on a 3-node embedded cluster, checked against results computed independently
/// from the same file.</summary>
[Collection(ClusterLane.Name)]
public sealed class JobAcceptanceTests(RuntimeClusterFixture fixture) : IClassFixture<RuntimeClusterFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task App1_counts_punched_telespar_signs_by_category_exactly_and_each_key_counts_up_from_one()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);

        var job = await fixture.RunAsync("RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 Traffic_Signs.csv out1 false false 0 0 0", JobTimeout);

        Assert.Equal("COMPLETED", job.Status);
        // Records split by a line break inside quotes are lines with too few fields: malformed, not counted.
        var expected = ReferenceCsv.Lines(source).Where(l => l.Contains("Punched Telespar", StringComparison.Ordinal))
            .Select(ReferenceCsv.Fields).Where(f => f.Count > 8)
            .GroupBy(f => f[8]).ToDictionary(g => g.Key, g => (long)g.Count());
        var outputs = (await fixture.ReadLinesAsync("out1")).Select(ReferenceCsv.KeyCount).ToList();
        var perKey = outputs.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Select(o => o.Count).ToList());
        Assert.Equal(expected.Keys.Order(), perKey.Keys.Order());
        foreach (var (key, counts) in perKey)
        {
            Assert.Equal(expected[key], counts[^1]);
            Assert.Equal(Enumerable.Range(1, counts.Count).Select(i => (long)i), counts);
        }
        Assert.Equal(expected.Values.Sum(), job.TuplesOut);
        Assert.Equal(ReferenceCsv.Lines(source).Count(), job.TuplesIn);
    }

    [Fact]
    public async Task App2_filters_warning_signs_and_projects_three_columns_as_the_independent_result()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);

        var job = await fixture.RunAsync("RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv out2 false false 0 0 0", JobTimeout);

        Assert.Equal("COMPLETED", job.Status);
        var expected = ReferenceCsv.Lines(source).Where(l => l.Contains("Warning", StringComparison.Ordinal))
            .Select(l => string.Join(',', ReferenceCsv.Fields(l).Take(3).Select(ReferenceCsv.Quote))).Order(StringComparer.Ordinal).ToList();
        var actual = (await fixture.ReadLinesAsync("out2")).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_three_stage_job_runs_a_user_operator_script_in_the_middle()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);
        fixture.WriteOperator("mark", "sed \"s/^/$1:/\"");

        var job = await fixture.RunAsync("RainStorm 3 2 Filter Warning mark W Transform 0-2 Traffic_Signs.csv out3 false false 0 0 0", JobTimeout);

        Assert.Equal("COMPLETED", job.Status);
        var expected = ReferenceCsv.Lines(source).Where(l => l.Contains("Warning", StringComparison.Ordinal))
            .Select(l => string.Join(',', ReferenceCsv.Fields("W:" + l).Take(3).Select(ReferenceCsv.Quote))).Order(StringComparer.Ordinal).ToList();
        var actual = (await fixture.ReadLinesAsync("out3")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.All(actual, line => Assert.StartsWith("W:", line));
    }

    [Fact]
    public async Task Several_jobs_run_at_once_and_are_listed_with_their_state()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);

        var jobs = await Task.WhenAll(
            fixture.RunAsync("RainStorm 1 2 Filter Stop Traffic_Signs.csv many_a false false 0 0 0", JobTimeout),
            fixture.RunAsync("RainStorm 1 3 Filter Parking Traffic_Signs.csv many_b false false 0 0 0", JobTimeout));

        Assert.All(jobs, j => Assert.Equal("COMPLETED", j.Status));
        Assert.Equal(ReferenceCsv.Lines(source).Count(l => l.Contains("Stop")), (await fixture.ReadLinesAsync("many_a")).Length);
        Assert.Equal(ReferenceCsv.Lines(source).Count(l => l.Contains("Parking")), (await fixture.ReadLinesAsync("many_b")).Length);
        var listed = await fixture.AskLeaderAsync<JobList>(new ListJobs());
        Assert.All(jobs, j => Assert.Contains(listed.Jobs, l => l.JobId == j.JobId && l.Status == "COMPLETED"));
    }
}
