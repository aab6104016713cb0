using Akka.Actor;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Elastic;

/// <summary>Live rescales of a job's stages on a 3-node embedded cluster, at-least-once and exactly_once (through a
/// kill_task that rolls a rescale back): the output is exact (nothing lost, nothing twice, AggregateByKey's counts
/// carried over with the key groups that move), and every bad request is refused with one sentence and changes
/// nothing.</summary>
/// <summary>The runtime cluster with 8 task slots per worker (24 on its 3 workers), so the slots bound a rescale.</summary>
public sealed class RescaleClusterFixture() : RuntimeClusterFixture("rainstorm.scaling.task-slots-per-worker = 8");

[Collection(ClusterLane.Name)]
public sealed class RescaleTests(RescaleClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RescaleClusterFixture>
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(60);

    private async Task<string> SubmitPacedApp1Async(string destination, int rate, bool exactlyOnce = false)
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);
        return await JobRunner.SubmitAsync(fixture.Cluster.Leader,
            $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv {destination} {(exactlyOnce ? "true" : "false")} false {rate} 0 0");
    }

    /// <summary>Until the job's tasks all run (a rescale is refused while it starts).</summary>
    private Task WaitRunningAsync(string jobId) => Poll.UntilAsync(async () =>
    {
        var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
        return tasks.Count > 0 && tasks.All(t => t.State == "RUNNING") && tasks.Any(t => t.InPerSecond > 0);
    }, TimeSpan.FromSeconds(60), $"every task of {jobId} running", 100);

    /// <summary>Asks for the rescale, again while tasks that left in the previous one are still finishing; with
    /// <paramref name="victim"/> killed right behind the first request (both go to the leader in order, so its failure
    /// reaches the job master while the rescale runs).</summary>
    private async Task<object> RescaleAsync(string jobId, int stage, int tasks, TaskInfo? victim = null)
    {
        while (true)
        {
            var asking = fixture.Cluster.Leader.Ask<object>(new RescaleStage(jobId, stage, tasks), Ask);
            if (victim is not null)
            {
                Assert.IsType<TaskKilled>(await fixture.AskLeaderAsync<object>(new KillTask(victim.Node, victim.Pid)));
                output.WriteLine($"kill_task {victim.Task} right behind the rescale of stage {stage} to {tasks}");
                victim = null;
            }
            var answer = await asking;
            if (answer is not CommandFailed { Message: var m } || !m.Contains("still finishing", StringComparison.Ordinal)) return answer;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task App1_rescaled_up_and_down_while_it_runs_counts_every_key_exactly_1_to_n()
    {
        var jobId = await SubmitPacedApp1Async("rescaled_app1", rate: 700);
        await WaitRunningAsync(jobId);

        (int Stage, int Tasks)[] steps = [(2, 5), (1, 2), (2, 2), (2, 4), (1, 4), (2, 1), (2, 3)];
        var done = new List<StageRescaled>();
        foreach (var (stage, tasks) in steps)
        {
            var answer = await RescaleAsync(jobId, stage, tasks);
            if (answer is CommandFailed { Message: var m } && m.Contains("draining", StringComparison.Ordinal)) break;
            var rescaled = Assert.IsType<StageRescaled>(answer);
            output.WriteLine($"stage {rescaled.Stage}: {rescaled.From} -> {rescaled.To} in {rescaled.Took.TotalMilliseconds:0} ms");
            done.Add(rescaled);
            var widths = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId).Widths!;
            Assert.Equal(tasks, widths[stage]);
            // Tasks that left finish what they hold in the background and are listed until they stop.
            await Poll.AssertAsync(async () =>
                Assert.Equal(widths.Sum(), (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks.Count), TimeSpan.FromSeconds(30));
        }
        Assert.True(done.Count >= 5, $"only {done.Count} rescales ran before the source was read to the end");

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var job = await JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId, ct: cts.Token);
        Assert.Equal("COMPLETED", job.Status);
        var source = RuntimeClusterFixture.TrafficSigns();
        var lines = await fixture.ReadLinesAsync("rescaled_app1");
        ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(source));
        Assert.Equal(ExactlyOnceChecks.App1Expected(source).Values.Sum(), lines.Length);
    }

    [Fact]
    public async Task An_exactly_once_App1_rescaled_up_and_down_with_a_kill_task_during_a_rescale_counts_every_key_exactly_1_to_n()
    {
        var jobId = await SubmitPacedApp1Async("eo_rescaled_app1", rate: 400, exactlyOnce: true);
        await WaitRunningAsync(jobId);

        (int Stage, int Tasks)[] steps = [(2, 5), (2, 2), (1, 2), (2, 4), (2, 1), (1, 4), (2, 3), (2, 6), (2, 2), (2, 4), (2, 3)];
        var done = 0;
        var rolledBack = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            var (stage, tasks) = steps[i];
            // At step 4 (after a grow, so no task is still leaving and the request is taken at once) an AggregateByKey
            // task is killed right behind the rescale request: the rescale rolls back.
            var victim = i == 4 ? (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks.First(t => t.Op == "AggregateByKey") : null;
            var answer = await RescaleAsync(jobId, stage, tasks, victim);
            output.WriteLine($"stage {stage} -> {tasks}: {answer}");
            if (answer is CommandFailed { Message: var abandoned } && abandoned.Contains("abandoned", StringComparison.Ordinal))
                foreach (var line in fixture.LogLines().Where(l => l.Contains($"job-master-{jobId}]", StringComparison.Ordinal) || l.Contains("kill_task", StringComparison.Ordinal)))
                    output.WriteLine(line);
            if (answer is CommandFailed { Message: var m } && m.Contains("draining", StringComparison.Ordinal)) break;
            if (answer is CommandFailed { Message: var r } && (r.Contains("rolled back", StringComparison.Ordinal) || r.Contains("not running", StringComparison.Ordinal)))
            {
                rolledBack++;
                await WaitRunningAsync(jobId);
                continue;
            }
            Assert.IsType<StageRescaled>(answer);
            done++;
            Assert.Equal(tasks, (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId).Widths![stage]);
        }
        Assert.True(done >= 6, $"only {done} rescales ran before the source was read to the end ({rolledBack} rolled back)");

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var job = await JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId, ct: cts.Token);
        Assert.Equal("COMPLETED", job.Status);
        var source = RuntimeClusterFixture.TrafficSigns();
        ExactlyOnceChecks.AssertApp1Exact(await fixture.ReadLinesAsync("eo_rescaled_app1"), ExactlyOnceChecks.App1Expected(source));
    }

    [Fact]
    public async Task Bad_rescale_requests_are_refused_with_one_sentence_and_change_nothing()
    {
        var jobId = await SubmitPacedApp1Async("refused_app1", rate: 400);
        await WaitRunningAsync(jobId);
        var before = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId).Widths!.ToList();

        (object Request, string Expected)[] cases =
        [
            (new RescaleStage("job-999", 1, 2), "no job 'job-999'"),
            (new RescaleStage(jobId, 0, 2), "source, which is not rescaled"),
            (new RescaleStage(jobId, 3, 2), $"{jobId} has no stage 3; its operator stages are 1..2"),
            (new RescaleStage(jobId, -1, 2), "has no stage -1"),
            (new RescaleStage(jobId, 2, 0), "at least 1 task, not 0"),
            (new RescaleStage(jobId, 2, 10_000), "at most 32 tasks per stage"),
            (new RescaleStage(jobId, 2, 3), "already has 3 tasks"),
            // This job takes 7 of the 24 slots, so stage 2 can grow to 3 + 17 = 20 at the most (fewer if another runs).
            (new RescaleStage(jobId, 2, 30), "(8 per worker, rainstorm.scaling.task-slots-per-worker, on 3 workers, the rest taken by running tasks), not 30"),
        ];
        foreach (var (request, expected) in cases)
        {
            var failed = Assert.IsType<CommandFailed>(await fixture.Cluster.Leader.Ask<object>(request, Ask));
            Assert.Contains(expected, failed.Message);
            Assert.DoesNotContain('\n', failed.Message);
        }
        var after = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId);
        Assert.Equal(before, after.Widths);
        Assert.Equal("RUNNING", after.Status);

        await fixture.AskLeaderAsync<JobKilled>(new KillJob(jobId));
        object answer;
        try
        {
            answer = await RescaleAsync(jobId, 2, 4);
        }
        catch (AskTimeoutException)
        {
            foreach (var line in fixture.LogLines().Where(l => l.Contains("leader", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal)).TakeLast(60))
                output.WriteLine(line);
            throw;
        }
        var ended = Assert.IsType<CommandFailed>(answer);
        Assert.Contains("already ended (KILLED)", ended.Message);
        var rateEnded = Assert.IsType<CommandFailed>(await fixture.Cluster.Leader.Ask<object>(new SetJobRate(jobId, 100), Ask));
        Assert.Contains("already ended (KILLED)", rateEnded.Message);
    }

    [Fact]
    public async Task Rate_changes_a_running_jobs_pace_and_a_bad_rate_changes_nothing()
    {
        var jobId = await SubmitPacedApp1Async("rated_app1", rate: 300);
        await WaitRunningAsync(jobId);

        var negative = Assert.IsType<CommandFailed>(await fixture.Cluster.Leader.Ask<object>(new SetJobRate(jobId, -5), Ask));
        Assert.Contains("0 or more", negative.Message);
        var unknown = Assert.IsType<CommandFailed>(await fixture.Cluster.Leader.Ask<object>(new SetJobRate("job-999", 5), Ask));
        Assert.Contains("no job 'job-999'", unknown.Message);
        Assert.Equal("RUNNING", (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId).Status);

        // Unpaced, the job that would take 40 s at 300 tuples/s ends in a few.
        Assert.IsType<JobRateSet>(await fixture.Cluster.Leader.Ask<object>(new SetJobRate(jobId, 0), Ask));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var job = await JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId, ct: cts.Token);
        Assert.Equal("COMPLETED", job.Status);
        ExactlyOnceChecks.AssertApp1Exact(await fixture.ReadLinesAsync("rated_app1"), ExactlyOnceChecks.App1Expected(RuntimeClusterFixture.TrafficSigns()));
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(35), $"the job took {job.Elapsed.TotalSeconds:0.#} s after going unpaced");
    }

    [Fact]
    public async Task The_autoscaler_grows_an_overloaded_stage_into_the_band_in_at_most_two_decisions_and_loses_nothing()
    {
        var source = RuntimeClusterFixture.TrafficSigns();
        await fixture.UploadAsync("Traffic_Signs.csv", source);
        // 1000 tuples/s into one Filter task with high_wm 300: above the band from the start.
        var jobId = await JobRunner.SubmitAsync(fixture.Cluster.Leader,
            "RainStorm 2 1 Filter Warning Transform 0-2 Traffic_Signs.csv autoscaled_app2 false true 1000 60 300");

        await Poll.UntilAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            return tasks.Any(t => t.Stage == 1 && t.Task.Contains('@') && t.InPerSecond > 0);
        }, TimeSpan.FromSeconds(30), "a task the autoscaler added to stage 1 receiving tuples", 200);

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var job = await JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId, ct: cts.Token);
        Assert.Equal("COMPLETED", job.Status);
        var history = await fixture.AskLeaderAsync<ScalingHistory>(new ListScaling(jobId));
        foreach (var entry in history.Entries) output.WriteLine($"{entry.At:HH:mm:ss.fff} stage {entry.Stage} {entry.From} -> {entry.To}: {entry.Reason} ({entry.Refusal ?? "applied"})");
        var filterUps = history.Entries.Where(e => e.Stage == 1 && e.By == "autoscaler" && e.To > e.From && e.Refusal is null).ToList();
        Assert.InRange(filterUps.Count, 1, 2);
        Assert.InRange(1000.0 / filterUps[^1].To, 60, 300); // the per-task rate the last decision aimed at is in the band
        Assert.All(history.Entries, e => Assert.True(e.To >= 1));
        Assert.Equal(ExactlyOnceChecks.App2Expected(source), (await fixture.ReadLinesAsync("autoscaled_app2")).Order(StringComparer.Ordinal).ToList());
    }
}
