using System.Diagnostics;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.Cli;

/// <summary>
/// <c>bin/rainstorm</c> builds the node binary when it is missing or older than any source, and otherwise just runs it.
/// Tested on a copy of the launcher in a scratch tree of the same layout whose src/RainStorm.Node is a tiny console
/// program (the real one takes a minute to build): the launcher, dotnet and the file timestamps are all real.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rainstorm-launcher-").FullName;

    public LauncherTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        File.Copy(Path.Combine(Repository.Root, "bin", "rainstorm"), Launcher);
        File.SetUnixFileMode(Launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Write("Directory.Build.props", "<Project />");
        Write("Directory.Packages.props", "<Project />");
        Write("hocon/rainstorm.conf", "rainstorm {}");
        Write("src/RainStorm.Node/RainStorm.Node.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>rainstorm</AssemblyName>
              </PropertyGroup>
            </Project>
            """);
        WriteProgram("v1");
    }

    private string Launcher => Path.Combine(_root, "bin", "rainstorm");
    private string Binary => Path.Combine(_root, ".build", "rainstorm", "rainstorm.dll");

    [Fact]
    public async Task Builds_when_missing_runs_without_building_when_current_and_rebuilds_when_a_source_is_newer()
    {
        Assert.False(File.Exists(Binary));
        Assert.Equal(("v1 a b\n", Building), await RunAsync("a", "b"));

        Assert.Equal(("v1 c\n", ""), await RunAsync("c"));

        // A changed source, and the binary older than it (dated back: no doubts about time-stamp granularity).
        WriteProgram("v2");
        AgeBinary();
        Assert.Equal(("v2 d\n", Building), await RunAsync("d"));
        Assert.Equal(("v2 e\n", ""), await RunAsync("e"));

        // Configuration counts as a source too.
        Write("hocon/rainstorm.conf", "rainstorm { changed = true }");
        AgeBinary();
        Assert.Equal(("v2 f\n", Building), await RunAsync("f"));
    }

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

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string Building = "rainstorm: building (first run or sources changed)...\n";

    private void AgeBinary() => File.SetLastWriteTimeUtc(Binary, DateTime.UtcNow.AddMinutes(-1));

    private void WriteProgram(string version) =>
        Write("src/RainStorm.Node/Program.cs", $"System.Console.WriteLine(\"{version} \" + string.Join(\" \", args));");

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private async Task<(string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunRawAsync(args);
        Assert.True(exitCode == 0, $"bin/rainstorm exited with {exitCode}: {stderr}");
        return (stdout, stderr);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunRawAsync(params string[] args) => RunProcessAsync(Launcher, args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
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
