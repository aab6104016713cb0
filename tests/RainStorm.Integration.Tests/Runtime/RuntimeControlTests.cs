using System.Diagnostics;
using Akka.TestKit.Xunit2;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>Pacing, rates in list_tasks, following the output, kill_task and kill_job on a 3-node embedded cluster.</summary>
[Collection(ClusterLane.Name)]
public sealed class RuntimeControlTests(RuntimeClusterFixture fixture) : TestKit(), IClassFixture<RuntimeClusterFixture>
{
    private async Task<string> GeneratedSourceAsync(string name, int lines)
    {
        var local = Path.Combine(fixture.Root, name);
        TrafficSignGenerator.Write(local, lines, seed: lines);
        await fixture.UploadAsync(name, local);
        return local;
    }

    [Fact]
    public async Task Copies_of_one_submit_with_one_key_create_one_job_and_all_get_its_id()
    {
        await GeneratedSourceAsync("key_src.csv", 200);
        const string line = "RainStorm 1 1 Filter , key_src.csv key_out false false 0 0 0";
        var before = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Count;
        // Two copies under way at once (a retry while the first is still checked), then one after it was accepted.
        var copies = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => JobRunner.SubmitAsync(fixture.Cluster.Leader, line, idempotencyKey: "k-1")));
        var late = await JobRunner.SubmitAsync(fixture.Cluster.Leader, line, idempotencyKey: "k-1");

        Assert.Equal(copies[0], copies[1]);
        Assert.Equal(copies[0], late);
        Assert.Equal(before + 1, (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Count);
        // Without a key the same line is a new job, refused because the destination exists now.
        await Assert.ThrowsAsync<JobRunner.JobRefusedException>(() => JobRunner.SubmitAsync(fixture.Cluster.Leader, line));
    }

    [Fact]
    public async Task An_input_rate_of_2000_is_honoured_within_ten_percent_over_more_than_five_seconds_and_shows_in_list_tasks()
    {
        await GeneratedSourceAsync("rate_src.csv", 13_000);
        var arrivals = new List<(double Seconds, int Total)>();
        var clock = Stopwatch.StartNew();
        var total = 0;
        var followed = await JobRunner.SubmitAndFollowAsync(fixture.Cluster.First, fixture.Cluster.Leader,
            "RainStorm 1 3 Filter , rate_src.csv rate_out false false 2000 0 0", lines =>
            {
                lock (arrivals) arrivals.Add((clock.Elapsed.TotalSeconds, total += lines.Count));
            });
        var jobId = followed.JobId;

        await AwaitAssertAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            Assert.Equal(6, tasks.Count);
            var sources = tasks.Where(t => t.Op == "source").ToList();
            Assert.Equal(3, sources.Count);
            Assert.InRange(sources.Sum(t => t.OutPerSecond), 1500, 2500);
            Assert.All(tasks, t => Assert.Contains(t.Backpressure, new[] { "OK", "LOW", "HIGH" }));
            Assert.Equal(3, tasks.Select(t => t.Node).Distinct().Count());
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));

        var job = await followed.Ended.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("COMPLETED", job.Status);
        Assert.Equal(13_001, job.TuplesOut);
        Assert.Equal(13_001, total);
        (double Seconds, int Total) first, last;
        lock (arrivals) (first, last) = (arrivals[0], arrivals[^1]);
        var seconds = last.Seconds - first.Seconds;
        Assert.True(seconds >= 5, $"output arrived over {seconds:0.00} s only");
        Assert.InRange((last.Total - first.Total) / seconds, 1800, 2200);
    }

    /// <summary>kill_task of a stateful task of an at-least-once job: the job restarts from its source as attempt 2
    /// (list_tasks shows only the new attempt's tasks), and kill_job then ends it.</summary>
    [Fact]
    public async Task Kill_task_crashes_one_task_and_its_at_least_once_job_restarts_from_its_source_while_the_cluster_keeps_working()
    {
        await GeneratedSourceAsync("kill_src.csv", 20_000);
        var jobId = await JobRunner.SubmitAsync(fixture.Cluster.Leader, "RainStorm 2 3 Filter , AggregateByKey 8 kill_src.csv kill_out false false 1000 0 0");
        var waiting = JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, jobId);
        TaskInfo? victim = null;
        await AwaitAssertAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            victim = tasks.FirstOrDefault(t => t.Op == "AggregateByKey" && t.State == "RUNNING" && t.InPerSecond > 0);
            Assert.NotNull(victim);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));

        var killed = await fixture.AskLeaderAsync<object>(new KillTask(victim!.Node, victim.Pid));

        Assert.Equal(victim.Task, Assert.IsType<TaskKilled>(killed).Task);
        await AwaitAssertAsync(async () =>
        {
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            Assert.Equal(9, tasks.Count);
            Assert.All(tasks, t => Assert.Equal("RUNNING", t.State));
            Assert.All(tasks, t => Assert.EndsWith("#2", t.Task));
            Assert.Contains(tasks, t => t.Op == "AggregateByKey" && t.InPerSecond > 0);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        Assert.Equal(jobId, (await fixture.AskLeaderAsync<JobKilled>(new KillJob(jobId))).JobId);
        var job = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("KILLED", job.Status);
        Assert.DoesNotContain((await fixture.AskLeaderAsync<TaskList>(new ListTasks(null))).Tasks, t => t.JobId == jobId);
        var unknown = await fixture.AskLeaderAsync<object>(new KillTask(victim.Node, 999_999));
        Assert.Contains("no running task", Assert.IsType<CommandFailed>(unknown).Message);
    }

    [Fact]
    public async Task Following_a_job_streams_every_output_line_and_kill_job_stops_it()
    {
        await GeneratedSourceAsync("follow_src.csv", 3_000);
        var followed = new List<string>();
        var submitted = await JobRunner.SubmitAndFollowAsync(fixture.Cluster.First, fixture.Cluster.Leader,
            "RainStorm 1 2 Filter Warning follow_src.csv follow_out false false 0 0 0", lines => { lock (followed) followed.AddRange(lines); });
        var job = await submitted.Ended.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("COMPLETED", job.Status);
        var written = await fixture.ReadLinesAsync("follow_out");
        lock (followed) Assert.Equal(written.Order(StringComparer.Ordinal), followed.Order(StringComparer.Ordinal));

        await GeneratedSourceAsync("slow_src.csv", 5_000);
        var slowId = await JobRunner.SubmitAsync(fixture.Cluster.Leader, "RainStorm 1 2 Filter , slow_src.csv slow_out false false 100 0 0");
        var slow = JobRunner.WaitAsync(fixture.Cluster.First, fixture.Cluster.Leader, slowId);
        Assert.Equal(slowId, (await fixture.AskLeaderAsync<JobKilled>(new KillJob(slowId))).JobId);
        var ended = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("KILLED", ended.Status);
        Assert.Contains("already ended", (await fixture.AskLeaderAsync<CommandFailed>(new KillJob(slowId))).Message);
    }

    /// <summary>Backpressure reaches the source: an unpaced source in front of a stage that needs 0.3 s per batch
    /// stays within the credit windows of what that stage has passed on, instead of reading its whole file, and the
    /// tasks held back say so in list_tasks.</summary>
    [Fact]
    public async Task A_slow_stage_holds_an_unpaced_source_back_within_the_credit_windows_and_reports_backpressure()
    {
        const int lines = 100_000;
        await GeneratedSourceAsync("bp_src.csv", lines);
        fixture.WriteOperator("slow_cat", "sleep 0.3\ncat");
        var jobId = await JobRunner.SubmitAsync(fixture.Cluster.Leader, "RainStorm 2 3 slow_cat x Transform 0 bp_src.csv bp_out false false 0 0 0");
        var clock = Stopwatch.StartNew();
        // Per forward edge at most window (8) + ready-limit (2) + one building batch of ~570 lines are under way, plus
        // what the slow stage has queued (its window): ~12 batches per edge, 3 edges; and the two counts come from
        // reports up to 1 s apart, in which the slow stages pass on up to 3 x 600 lines / 0.3 s.
        const long bound = 3 * 12 * 600 + 3 * 600 / 3 * 10;
        JobSummary? seen = null;
        await AwaitAssertAsync(async () =>
        {
            var job = (await fixture.AskLeaderAsync<JobList>(new ListJobs())).Jobs.Single(j => j.JobId == jobId);
            var tasks = (await fixture.AskLeaderAsync<TaskList>(new ListTasks(jobId))).Tasks;
            Assert.Equal("RUNNING", job.Status);
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(4), "let the source run unpaced for a while first");
            Assert.True(job.TuplesOut > 0, "the slow stage passes lines on");
            Assert.Contains(tasks, t => t.Op == "source" && t.Backpressure != "OK");
            seen = job;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));

        Assert.True(seen!.TuplesIn - seen.TuplesOut <= bound,
            $"the source emitted {seen.TuplesIn} lines while only {seen.TuplesOut} got through the slow stage (bound {bound})");
        Assert.True(seen.TuplesIn < lines / 2, $"the source read {seen.TuplesIn} of {lines} lines: nothing held it back");
        Assert.Equal(jobId, (await fixture.AskLeaderAsync<JobKilled>(new KillJob(jobId))).JobId);
    }

    [Fact]
    public async Task Every_node_logs_to_a_file_under_its_data_dir_one_timestamped_event_per_line()
    {
        await GeneratedSourceAsync("log_src.csv", 1_000);
        var line = "RainStorm 2 2 Filter Stop Transform 0 log_src.csv log_out false false 0 0 0";
        var followed = await JobRunner.SubmitAndFollowAsync(fixture.Cluster.First, fixture.Cluster.Leader, line, _ => { });
        Assert.Equal("COMPLETED", (await followed.Ended.WaitAsync(TimeSpan.FromMinutes(1))).Status);

        var logs = fixture.Cluster.Options.Select(o => Actors.Runtime.RuntimeHostingExtensions.LogFile(o)).ToList();
        Assert.All(logs, path => Assert.StartsWith(Path.GetFullPath(fixture.Root), path));
        string ReadShared(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        var id = followed.JobId;
        // The logger writes asynchronously: the job may end a moment before its last lines reach the files.
        await AwaitAssertAsync(() =>
        {
            var lines = logs.Select(ReadShared).SelectMany(text => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
            Assert.All(lines.Take(50), l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) ", l));
            Assert.Contains(lines, l => l.Contains($"Job received: {line}"));
            Assert.Contains(lines, l => l.Contains($"Job {id} COMPLETED"));
            for (var stage = 0; stage <= 2; stage++)
            {
                for (var task = 0; task < 2; task++)
                {
                    var taskId = $"{id}/{stage}/{task}";
                    Assert.Contains(lines, l => l.Contains($"task {taskId} (") && l.Contains("scheduled on"));
                    Assert.Contains(lines, l => l.Contains($"Task {taskId} started on"));
                    Assert.Contains(lines, l => l.Contains($"task {taskId} completed"));
                }
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }
}
