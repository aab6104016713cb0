using System.Diagnostics;

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

    private async Task<(int Exit, string Stdout, string Stderr)> RunLocalAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rainstorm.dll"));
        start.ArgumentList.Add("local");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
