using RainStorm.Actors.Commands.Execution;
using RainStorm.Node.Local;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>The `local` console speaks the node CLI's language: same command names, same tables, old spellings as
/// aliases, and a missing source explained once in the terms of this mode.</summary>
[Collection(ClusterLane.Name)]
public sealed class LocalConsoleTests(RuntimeClusterFixture fixture) : IClassFixture<RuntimeClusterFixture>
{
    private async Task<string> RunAsync(params string[] lines)
    {
        var output = new StringWriter();
        var console = new LocalConsole(fixture.Cluster, new StringReader(string.Join('\n', lines) + "\n"), TextWriter.Synchronized(output));
        Assert.Equal(0, await console.RunAsync().WaitAsync(TimeSpan.FromMinutes(3)));
        return output.ToString();
    }

    [Fact]
    public async Task Node_cli_command_names_and_old_aliases_both_work()
    {
        var local = Path.Combine(fixture.Root, "console-src.csv");
        await File.WriteAllLinesAsync(local, ["a,Warning", "b,Stop", "c,Warning"]);

        var text = await RunAsync($"hydfs create {local} console_a.csv", $"upload {local} console_b.csv", "hydfs ls console_b.csv", "help");

        Assert.Contains("created console_a.csv", text);
        Assert.True(await fixture.Cluster.HyDfs.ExistsAsync("console_a.csv"));
        Assert.True(await fixture.Cluster.HyDfs.ExistsAsync("console_b.csv"));
        Assert.Contains("created console_b.csv", text);
        Assert.Contains("  kill_task <node> <pid>", text);
        Assert.Contains("  kill_job <job>", text);
        Assert.DoesNotContain("unknown command", text);
    }

    [Fact]
    public async Task A_job_runs_and_list_tasks_prints_the_node_cli_table()
    {
        var local = Path.Combine(fixture.Root, "console-job.csv");
        await File.WriteAllLinesAsync(local, Enumerable.Range(0, 200).Select(i => $"{i},{(i % 2 == 0 ? "Warning" : "Stop")}"));
        await fixture.UploadAsync("console_job.csv", local);

        var text = await RunAsync("RainStorm 1 2 Filter Warning console_job.csv console_job_out false false 0 0 0", "list_tasks", "jobs");

        var jobId = System.Text.RegularExpressions.Regex.Match(text, @"Job (job-\d+) submitted").Groups[1].Value;
        Assert.NotEqual("", jobId);
        var direct = new StringWriter();
        await new CommandExecutor(fixture.Cluster.First).ExecuteAsync(["jobs"], new TextWriterConsole(direct), CancellationToken.None);
        // The console's job table has the CLI's header line (the same palette command printed it).
        Assert.Contains(direct.ToString().Split('\n')[0], text);
        Assert.Contains(text.Split('\n'), l => (l.Contains("TASK") && l.Contains("BACKPRESSURE")) || l.EndsWith("no tasks"));
        var waited = await RunAsync($"wait {jobId}", $"kill_job {jobId}", "kill_task nonsense");
        Assert.Contains($"{jobId} COMPLETED", waited.Replace("Job ", ""));
        Assert.Contains("error: ", waited);
    }

    [Fact]
    public async Task A_missing_source_is_explained_once_with_the_upload_command_in_the_right_order()
    {
        var text = await RunAsync("RainStorm 1 1 Filter x No_Such.csv console_none_out false false 0 0 0");

        var errors = text.Split('\n').Where(l => l.Contains("No_Such.csv")).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("error: source file 'No_Such.csv' is neither in HyDFS nor at ", error);
        Assert.Contains("upload it first (hydfs create <local file> No_Such.csv)", error);
        Assert.False(await fixture.Cluster.HyDfs.ExistsAsync("console_none_out"));
    }
}
