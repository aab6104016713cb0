using RainStorm.Node.Local;

namespace RainStorm.Node.Tests.Local;

/// <summary><c>rainstorm local</c> run as a real process: an embedded cluster that runs one job line and exits.</summary>
public sealed class LocalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rainstorm-local-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_job_line_uploads_the_local_source_runs_the_job_prints_its_output_and_exits_0()
    {
        var lines = Enumerable.Range(0, 3000)
            .Select(i => $"{i},{(i % 7 == 0 ? "Warning" : "Regulatory")},\"{i} X {i}\",post {i % 5}")
            .ToList();
        await File.WriteAllLinesAsync(Path.Combine(_dir, "signs.csv"), lines);

        var (exit, stdout, stderr) = await RunLocalAsync(
            "--nodes", "2", "--cmd-port", "-1", "--http-port", "0", "--data", "data",
            "RainStorm", "2", "2", "Filter", "Warning", "Transform", "0,2", "signs.csv", "warnings.txt", "false", "false", "0", "0", "0");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        // Transform 0,2 keeps columns 0 and 2; the quotes around "i X i" go, as it has no comma to protect.
        var expected = Enumerable.Range(0, 3000).Where(i => i % 7 == 0).Select(i => $"{i},{i} X {i}").Order();
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Contains("COMPLETED", stderr);
        Assert.Matches(@"rainstorm local: dashboard at http://127\.0\.0\.1:\d+/", stderr);
    }

    [Fact]
    public async Task A_bad_job_line_is_refused_in_one_line_before_any_node_starts()
    {
        var (exit, stdout, stderr) = await RunLocalAsync("--data", "data", "RainStorm", "2", "0", "Filter", "x", "Transform", "0",
            "signs.csv", "out.txt", "false", "false", "0", "0", "0");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("rainstorm: job refused: Ntasks_per_stage is '0'", stderr);
        Assert.DoesNotContain("starting", stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));
    }

    [Fact]
    public async Task A_missing_source_is_explained_once_in_the_terms_of_local()
    {
        var (exit, stdout, stderr) = await RunLocalAsync("--nodes", "1", "--cmd-port", "-1", "--data", "data",
            "RainStorm", "1", "1", "Filter", "x", "No_Such.csv", "out.txt", "false", "false", "0", "0", "0");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var mentions = stderr.Split('\n').Where(l => l.Contains("No_Such.csv")).ToList();
        Assert.Equal($"rainstorm: job refused: source file 'No_Such.csv' is neither in HyDFS nor at {Path.Combine(_dir, "No_Such.csv")}; " +
                     "put the file there (local uploads it as No_Such.csv) or run local from the directory that holds it.", Assert.Single(mentions));
    }

    [Theory]
    [InlineData(" ", "(empty)")]
    [InlineData("", "(empty)")]
    [InlineData("Warning", "Warning")]
    public void The_demo_table_labels_a_blank_category(string category, string label) =>
        Assert.Equal(label, LocalDemo.Label(category));

    private Task<RunResult> RunLocalAsync(params string[] args) =>
        ProcessRun.RunAsync(TimeSpan.FromMinutes(3), "dotnet", [ProcessRun.Rainstorm, "local", .. args], _dir);
}
