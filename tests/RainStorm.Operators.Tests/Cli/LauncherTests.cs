namespace RainStorm.Operators.Tests.Cli;

/// <summary><c>bin/rainstorm</c> started together, with a failing build and with a closed standard input (see
/// <see cref="LauncherScratch"/>).</summary>
public sealed class LauncherTests : LauncherScratch
{
    [Fact]
    public async Task Launchers_started_together_build_once_and_all_run_the_new_binary()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => RunAsync($"p{i}")));
        Assert.Equal(["v1 p0\n", "v1 p1\n", "v1 p2\n"], runs.Select(r => r.Stdout));
        Assert.Equal(Building, string.Concat(runs.Select(r => r.Stderr)));
    }

    [Fact]
    public async Task A_failing_build_shows_the_compiler_error_and_does_not_run_the_old_binary()
    {
        Assert.Equal(("v1 x\n", Building), await RunAsync("x"));
        Write("src/RainStorm.Node/Program.cs", "this is not C#");
        AgeBinary();

        var (exitCode, stdout, stderr) = await RunRawAsync("y");
        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith(Building, stderr);
        Assert.Contains("Program.cs", stderr);
        Assert.Contains("error CS", stderr);
        Assert.EndsWith("rainstorm: build failed\n", stderr);
    }

    [Fact]
    public async Task A_closed_standard_input_reads_as_empty_instead_of_waiting()
    {
        Write("src/RainStorm.Node/Program.cs", "System.Console.WriteLine(\"read \" + System.Console.In.ReadToEnd().Length);");
        // The runtime would take descriptor 0 for a pipe of its own and wait on it forever.
        var (exitCode, stdout, stderr) = await RunProcessAsync("/bin/bash", "-c", "exec \"$0\" <&-", Launcher);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Equal("read 0\n", stdout);
    }
}
