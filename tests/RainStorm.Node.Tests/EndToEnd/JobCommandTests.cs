using System.Text.Json;
using System.Text.RegularExpressions;
using RainStorm.Node.Client;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>The job commands end to end: client → command host → leader singleton → workers, over real TCP.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobCommandTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _local = Directory.CreateTempSubdirectory("rainstorm-cmd-jobs-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    private string Endpoint(int node = 0) => cluster.Nodes[node].CmdEndpoint;

    /// <summary>Uploads a source of <paramref name="lines"/> lines; every 4th contains "match".</summary>
    private async Task<(string Name, List<string> Matching)> SourceAsync(int lines)
    {
        var name = $"src-{Guid.NewGuid():N}.txt";
        // Padded so that even small sources span several 32 KiB source blocks: every source task then has lines to read.
        var padding = new string('.', 80);
        var content = Enumerable.Range(0, lines).Select(i => i % 4 == 0 ? $"line {i} match {padding}" : $"line {i} other {padding}").ToList();
        var path = Path.Combine(_local, name);
        await File.WriteAllLinesAsync(path, content);
        Assert.Equal(0, (await ClientRun.RunAsync(Endpoint(), "hydfs", "create", path, name)).Exit);
        return (name, content.Where(l => l.Contains("match")).ToList());
    }

    private static string SubmittedId(RunResult submitted)
    {
        Assert.Equal(0, submitted.Exit);
        var match = Regex.Match(submitted.Out.Trim(), "^Job (\\S+) submitted$");
        Assert.True(match.Success, submitted.Out + submitted.Err);
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task Submit_wait_follow_and_jobs_run_a_job_to_completion()
    {
        var (source, matching) = await SourceAsync(400);
        var dest = $"dest-{Guid.NewGuid():N}.txt";

        // 400 lines at 50 lines/s: the job runs for ~8 s, so the follower sees its output as it is produced.
        var jobId = SubmittedId(await ClientRun.RunAsync(Endpoint(1),
            "RainStorm", "1", "2", "Filter", "0 match", source, dest, "false", "false", "50", "0", "0"));
        var followed = new Transcript();
        var followErrors = new Transcript();
        var follow = ClientCommand.RunAsync([Endpoint(2), "wait", jobId, "--follow", "--timeout", "120"], TextReader.Null,
            followed.Writer, followErrors.Writer, new Interrupts(), terminal: false);
        // The first output lines arrive while the job still runs: they are streamed, not printed at the end.
        await Poll.AssertAsync(() => Assert.Contains(" match ", followed.Text), TimeSpan.FromSeconds(60));
        var during = JsonDocument.Parse((await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json")).Out).RootElement
            .EnumerateArray().Single(j => j.GetProperty("id").GetString() == jobId);
        Assert.Equal("RUNNING", during.GetProperty("status").GetString());
        var waited = new RunResult(await follow.WaitAsync(TimeSpan.FromSeconds(120)), followed.Text, followErrors.Text);

        Assert.Equal(0, waited.Exit);
        Assert.Equal("", waited.Err);
        Assert.StartsWith($"Job {jobId} COMPLETED: ", waited.OutLines[^1]);
        var expected = matching.Where(l => l.Contains("0 match")).ToList();
        var streamed = waited.OutLines.SkipLast(1).ToList();
        Assert.NotEmpty(streamed);
        Assert.All(streamed, s => Assert.Contains(expected, line => s.Contains(line)));
        Assert.Equal(0, (await ClientRun.RunAsync(Endpoint(), "hydfs", "get", dest, Path.Combine(_local, "dest.txt"))).Exit);
        var written = await File.ReadAllLinesAsync(Path.Combine(_local, "dest.txt"));
        Assert.Equal(expected.Count, written.Length);
        Assert.All(expected, line => Assert.Contains(written, w => w.Contains(line)));

        var jobs = await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json");
        using var doc = JsonDocument.Parse(jobs.Out);
        var job = doc.RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetString() == jobId);
        Assert.Equal(["id", "status", "stages", "tasks", "widths", "in", "out", "elapsed"], job.EnumerateObject().Select(p => p.Name));
        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        Assert.Equal(expected.Count, job.GetProperty("out").GetInt64());
        var table = await ClientRun.RunAsync(Endpoint(), "jobs");
        Assert.Equal(["ID", "STATUS", "STAGES", "TASKS", "WIDTHS", "IN", "OUT", "ELAPSED"], table.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(table.OutLines, l => l.StartsWith(jobId + " ") && l.Contains("COMPLETED"));

        var again = await ClientRun.RunAsync(Endpoint(), "wait", jobId);
        Assert.Equal(0, again.Exit);
    }

    [Fact]
    public async Task List_tasks_kill_task_and_kill_control_a_running_job()
    {
        var (source, _) = await SourceAsync(2000);
        var jobId = SubmittedId(await ClientRun.RunAsync(Endpoint(),
            "submit", "1", "2", "Filter", "match", source, $"slow-{Guid.NewGuid():N}", "false", "false", "20", "0", "0"));

        var timedOut = await ClientRun.RunAsync(Endpoint(), "wait", jobId, "--timeout", "1");
        Assert.Equal(1, timedOut.Exit);
        Assert.Contains($"job {jobId} is still RUNNING after 1 s", timedOut.Err);

        JsonElement[] tasks = [];
        await Poll.AssertAsync(async () =>
        {
            var listed = await ClientRun.RunAsync(Endpoint(1), "list_tasks", jobId, "-o", "json");
            Assert.Equal(0, listed.Exit);
            tasks = JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().ToArray();
            Assert.Contains(tasks, t => t.GetProperty("state").GetString() == "RUNNING");
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(["task", "job", "stage", "op", "node", "pid", "state", "in_per_s", "out_per_s", "backpressure", "log"],
            tasks[0].EnumerateObject().Select(p => p.Name));
        Assert.All(tasks, t => Assert.Equal(jobId, t.GetProperty("job").GetString()));
        // OP carries the operator's argument (the source its HyDFS file)
        Assert.Equal(["Filter match", $"source {source}"],
            tasks.Select(t => t.GetProperty("op").GetString()!).Distinct().OrderBy(o => o, StringComparer.Ordinal));
        var text = await ClientRun.RunAsync(Endpoint(1), "list_tasks");
        Assert.Equal(["TASK", "JOB", "STAGE", "OP", "NODE", "PID", "STATE", "IN/s", "OUT/s", "BACKPRESSURE", "LOG"],
            text.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(text.OutLines, l => l.StartsWith($"{jobId}/1/") && l.Contains(" Filter match "));

        var someNode = tasks[0].GetProperty("node").GetString()!;
        var wrongPid = await ClientRun.RunAsync(Endpoint(), "kill_task", someNode, "999999");
        Assert.Equal(1, wrongPid.Exit);
        Assert.Contains($"no running task with pid 999999 on node {someNode}", wrongPid.Err);

        // A task listed RUNNING can have moved on by the time the kill arrives (the leader refuses it then), so
        // list and kill again until one kill lands.
        await Poll.AssertAsync(async () =>
        {
            var listed = await ClientRun.RunAsync(Endpoint(), "list_tasks", jobId, "-o", "json");
            var victim = JsonDocument.Parse(listed.Out).RootElement.EnumerateArray()
                .Last(t => t.GetProperty("state").GetString() == "RUNNING");
            var node = victim.GetProperty("node").GetString()!;
            var pid = victim.GetProperty("pid").GetInt32().ToString();
            var killedTask = await ClientRun.RunAsync(Endpoint(), "kill_task", node, pid);
            Assert.True(killedTask.Exit == 0, $"kill_task {node} {pid} of {victim}: {killedTask.Err}");
            Assert.Equal($"Task {victim.GetProperty("task").GetString()} killed", killedTask.Out.Trim());
        }, TimeSpan.FromSeconds(30));

        var killed = await ClientRun.RunAsync(Endpoint(2), "kill", jobId);
        var status = await ClientRun.RunAsync(Endpoint(), "wait", jobId, "--timeout", "60");
        Assert.NotEqual(0, status.Exit);
        Assert.Matches($"job {jobId} ended (KILLED|FAILED)", status.Err);
        if (killed.Exit == 0) Assert.Equal($"Job {jobId} killed", killed.Out.Trim());
        else Assert.Contains("already ended", killed.Err); // the task crash may have failed the job first

        var killAgain = await ClientRun.RunAsync(Endpoint(), "kill", jobId);
        Assert.Equal(1, killAgain.Exit);
        Assert.Contains("already ended", killAgain.Err);
    }

    [Theory]
    [InlineData("wait", "job-424242")]
    [InlineData("kill", "job-424242")]
    [InlineData("list_tasks", "job-424242")]
    public async Task Unknown_jobs_are_named_in_the_error(string command, string job)
    {
        var result = await ClientRun.RunAsync(Endpoint(), command, job);

        Assert.Equal(1, result.Exit);
        Assert.Contains("job-424242", result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Kill_task_on_a_node_that_runs_no_task_names_the_node_and_pid()
    {
        var result = await ClientRun.RunAsync(Endpoint(1), "kill_task", "127.0.0.1:1", "77");

        Assert.Equal(1, result.Exit);
        Assert.Contains("no running task with pid 77 on node 127.0.0.1:1", result.Err);
    }

    [Theory]
    [InlineData("RainStorm 1 2 Filter x src.txt dst.txt maybe false 0 0 0", "exactly_once is 'maybe'")]
    [InlineData("RainStorm 1 2 Filtr x src.txt dst.txt true false 0 0 0", "op 'Filtr' is not one of the built-ins Filter, Transform and AggregateByKey (did you mean Filter?")]
    [InlineData("RainStorm two 2 Filter x src.txt dst.txt true false 0 0 0", "Nstages is 'two'")]
    [InlineData("RainStorm 2 2 Filter x src.txt dst.txt true false 0 0 0", "The job line has 12 words but Nstages 2 needs 14")]
    [InlineData("RainStorm 1 2 Filter x src.txt dst.txt true false fast 0 0", "input_rate is 'fast'")]
    [InlineData("submit 1 2 Filter x src.txt src.txt true false 0 0 0", "the same file as hydfs_src")]
    public async Task A_bad_job_line_is_refused_with_the_leaders_reason_and_nothing_starts(string line, string reason)
    {
        var before = await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json");
        var result = await ClientRun.RunAsync(Endpoint(), [.. RainStorm.Actors.Commands.Parsing.CommandLine.Split(line)]);

        Assert.Equal(1, result.Exit);
        Assert.Equal("", result.Out);
        Assert.Contains(reason, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        var after = await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json");
        Assert.Equal(JsonDocument.Parse(before.Out).RootElement.GetArrayLength(), JsonDocument.Parse(after.Out).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task A_job_on_a_missing_source_or_an_existing_destination_is_refused_naming_the_file()
    {
        var (source, _) = await SourceAsync(8);
        var before = JsonDocument.Parse((await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json")).Out).RootElement.GetArrayLength();

        var missing = await ClientRun.RunAsync(Endpoint(1), "RainStorm", "1", "1", "Filter", "x", "no-such-src.csv", $"d-{Guid.NewGuid():N}",
            "false", "false", "0", "0", "0");
        Assert.Equal(1, missing.Exit);
        Assert.Equal("", missing.Out);
        Assert.Equal("error: source file 'no-such-src.csv' does not exist in HyDFS; upload it first (hydfs create <local file> no-such-src.csv)",
            missing.Err.Trim());

        var (taken, _) = await SourceAsync(8);
        var existing = await ClientRun.RunAsync(Endpoint(2), "submit", "1", "1", "Filter", "x", source, taken,
            "false", "false", "0", "0", "0");
        Assert.Equal(1, existing.Exit);
        Assert.Equal($"error: destination file '{taken}' already exists in HyDFS; choose a new name", existing.Err.Trim());

        var after = JsonDocument.Parse((await ClientRun.RunAsync(Endpoint(), "jobs", "-o", "json")).Out).RootElement.GetArrayLength();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Job_shows_one_job_with_its_stages_and_hydfs_files_lists_the_ring_in_text_and_json()
    {
        var (source, matching) = await SourceAsync(400);
        var jobId = SubmittedId(await ClientRun.RunAsync(Endpoint(1),
            "RainStorm", "2", "2", "Filter", "match", "Transform", "0", source, $"dest-{Guid.NewGuid():N}.txt", "false", "false", "0", "0", "0"));
        Assert.Equal(0, (await ClientRun.RunAsync(Endpoint(), "wait", jobId, "--timeout", "120")).Exit);

        var json = await ClientRun.RunAsync(Endpoint(2), "job", jobId, "-o", "json");
        Assert.Equal(0, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("COMPLETED", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(400, doc.RootElement.GetProperty("in").GetInt64());
        Assert.Equal(matching.Count, doc.RootElement.GetProperty("out").GetInt64());
        var stages = doc.RootElement.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["source", "Filter", "Transform"], stages.Select(s => s.GetProperty("op").GetString()));
        Assert.All(stages, s => Assert.Equal(2, s.GetProperty("width").GetInt32()));
        var text = await ClientRun.RunAsync(Endpoint(2), "job", jobId);
        Assert.StartsWith($"Job {jobId} COMPLETED: 400 tuples in, {matching.Count} out, ", text.OutLines[0]);
        Assert.Equal(["STAGE", "OP", "ARG", "WIDTH", "RUNNING", "IN/s", "OUT/s", "BACKPRESSURE"], text.OutLines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var unknown = await ClientRun.RunAsync(Endpoint(), "job", "job-999999");
        Assert.Equal(1, unknown.Exit);
        Assert.StartsWith("error: no job 'job-999999'", unknown.Err.Trim());

        var files = await ClientRun.RunAsync(Endpoint(), "hydfs", "files", "-o", "json");
        Assert.Equal(0, files.Exit);
        using var listing = JsonDocument.Parse(files.Out);
        var file = listing.RootElement.EnumerateArray().Single(f => f.GetProperty("file").GetString() == source);
        Assert.Equal(new FileInfo(Path.Combine(_local, source)).Length, file.GetProperty("bytes").GetInt64());
        Assert.Equal(Math.Min(3, cluster.Nodes.Count), file.GetProperty("replicas").GetArrayLength());
    }
}
