using Akka.TestKit.Xunit2;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>The runtime cluster with a small restart budget, so a job that always fails gives up quickly.</summary>
public sealed class RestartBudgetClusterFixture() : RuntimeClusterFixture("rainstorm.recovery.max-restarts = 2\nrainstorm.recovery.restart-backoff = 3s");

/// <summary>exactly_once=false jobs on a 3-node embedded cluster: a failed task restarts the whole job from its source
/// as a new attempt (at-least-once: nothing lost, duplicates possible), at most max-restarts times.</summary>
[Collection(ClusterLane.Name)]
public sealed class AtLeastOnceRestartTests(RestartBudgetClusterFixture fixture, ITestOutputHelper output)
    : TestKit(), IClassFixture<RestartBudgetClusterFixture>
{
    [Fact]
    public async Task App2_at_least_once_survives_kill_task_of_a_filter_by_restarting_from_its_last_checkpoint_and_loses_no_line()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);
        var followed = new List<string>();
        var submitted = await JobRunner.SubmitAndFollowAsync(fixture.Cluster.First, fixture.Cluster.Leader,
            "RainStorm 2 3 Filter Warning Transform 0-2 Traffic_Signs.csv alo_kill_out false false 2500 0 0",
            lines => { lock (followed) followed.AddRange(lines); });
        var jobId = submitted.JobId;

        TaskInfo? victim = null;
        await AwaitAssertAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            victim = tasks.FirstOrDefault(t => t.Op == "Filter" && t.State == "RUNNING" && t.InPerSecond > 0);
            Assert.NotNull(victim);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.IsType<TaskKilled>(await fixture.AskLeaderAsync<object>(new KillTask(victim!.Node, victim.Pid)));

        // The new attempt's tasks are the job's tasks now, running; the killed one is gone from list_tasks.
        await AwaitAssertAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            Assert.Equal(9, tasks.Count);
            Assert.All(tasks, t => Assert.EndsWith("#2", t.Task));
            Assert.All(tasks, t => Assert.Equal("RUNNING", t.State));
            Assert.DoesNotContain(tasks, t => t.Task == victim.Task);
            var job = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId);
            Assert.Equal("RUNNING", job.Status);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        var ended = await submitted.Ended.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("COMPLETED", ended.Status);
        var expected = ExactlyOnceChecks.App2Expected(source);
        var written = await fixture.ReadLinesAsync("alo_kill_out");
        output.WriteLine($"{expected.Count} lines expected, {written.Length} written ({written.Length - expected.Count} duplicates)");
        AssertEveryLineAtLeastOnce(expected, written);
        Assert.All(written.Distinct(), line => Assert.Contains(line, expected));
        lock (followed) AssertEveryLineAtLeastOnce(expected, followed);
        // The sink's count goes on from the checkpoint (what came after it counts twice): never below the result.
        Assert.True(ended.TuplesOut >= expected.Count, $"{ended.TuplesOut} tuples out for {expected.Count} expected");
        await AwaitAssertAsync(() =>
        {
            var log = fixture.LogLines();
            Assert.Contains(log, l => l.Contains($"Job {jobId}: failure detected: task {victim.Task} failed: killed by kill_task"));
            var restart = Assert.Single(log, l => RestartedLine(jobId, 2).IsMatch(l) && l.Contains($"task {victim.Task} failed"));
            Assert.Contains(log, l => l.Contains($"task {jobId}/1/0#2 (Filter) scheduled on"));
            // From a checkpoint, the new attempt's sources skip the lines it covers instead of reading the file again.
            if (restart.Contains("from checkpoint", StringComparison.Ordinal))
                Assert.Contains(log, l => l.Contains($"Task {jobId}/0/") && l.Contains("#2 restarts from the checkpoint: skipping its first"));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task An_at_least_once_job_whose_operator_crashes_on_every_input_fails_after_max_restarts_with_the_reason()
    {
        await fixture.UploadAsync("Traffic_Signs.csv", RuntimeClusterFixture.TrafficSigns());
        fixture.WriteOperator("always_crash", "cat >/dev/null\necho boom >&2\nexit 3");

        var job = await fixture.RunAsync("RainStorm 2 2 Filter Warning always_crash x Traffic_Signs.csv alo_crash_out false false 0 0 0",
            TimeSpan.FromSeconds(60));

        Assert.Equal("FAILED", job.Status);
        Assert.Contains("always_crash", job.FailureReason);
        Assert.Contains("exited with code 3", job.FailureReason);
        Assert.Contains("restarted 2 times already", job.FailureReason);
        Assert.Contains("#3", job.FailureReason); // the last failure, in the third attempt
        var listed = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == job.JobId);
        Assert.Equal(job.FailureReason, listed.FailureReason);
        Assert.DoesNotContain((await fixture.AskLeaderAsync<TaskList>(new ListTasks(null))).Tasks, t => t.JobId == job.JobId);
        await AwaitAssertAsync(() =>
        {
            var log = fixture.LogLines();
            Assert.Contains(log, l => l.Contains($"job {job.JobId} restarted from its source (attempt 2)"));
            Assert.Contains(log, l => l.Contains($"job {job.JobId} restarted from its source (attempt 3)"));
            Assert.DoesNotContain(log, l => l.Contains($"job {job.JobId} restarted from its source (attempt 4)"));
            // The first restart is immediate; the second waits out the back-off (3 s here), however fast attempt 2 failed.
            var second = LoggedAt(log, $"job {job.JobId} restarted from its source (attempt 2)");
            var third = LoggedAt(log, $"job {job.JobId} restarted from its source (attempt 3)");
            Assert.True(third - second >= TimeSpan.FromSeconds(2.9), $"attempt 3 came {(third - second).TotalMilliseconds:0} ms after attempt 2");
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }

    private static DateTimeOffset LoggedAt(List<string> log, string text) =>
        DateTimeOffset.Parse(log.First(l => l.Contains(text)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every line of the failure-free result appears at least as often as it does there.</summary>
    /// <summary>The job master's line for a restart as <paramref name="attempt"/>: from the last checkpoint, or from the
    /// source when none had completed yet.</summary>
    internal static System.Text.RegularExpressions.Regex RestartedLine(string jobId, int attempt) =>
        new($@"job {System.Text.RegularExpressions.Regex.Escape(jobId)} restarted from (its source|checkpoint \d+) \(attempt {attempt}\): ");

    private static void AssertEveryLineAtLeastOnce(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.NotEmpty(expected);
        var counts = actual.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var missing = expected.GroupBy(l => l).Where(g => counts.GetValueOrDefault(g.Key) < g.Count()).Select(g => g.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} lines missing, e.g. {string.Join(" | ", missing.Take(3))}");
    }
}
