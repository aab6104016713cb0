using RainStorm.TestData;

namespace RainStorm.Node.Tests.Packaging;

/// <summary>`dotnet pack` makes a .NET tool: installed into a tool path of its own, `rainstorm` runs from there.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rainstorm-tool-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_packed_tool_installs_and_runs_version_and_op()
    {
        var repository = RepositoryData.FindRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("RainStorm.sln not found above the tests");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/<tfm>
        var feed = Path.Combine(_root, "feed");
        var tools = Path.Combine(_root, "tools");
        // A version of its own, so no package cached by an earlier run is installed in place of this one.
        var packageVersion = $"{Cli.Version}-test.{Guid.NewGuid():N}";

        await RunAsync("dotnet", "pack", Path.Combine(repository, "src", "RainStorm.Node", "RainStorm.Node.csproj"), "-c", configuration,
            "--no-build", "-o", feed, $"-p:PackageVersion={packageVersion}", "-nologo");
        Assert.Single(Directory.GetFiles(feed, "RainStorm.*.nupkg"));
        await RunAsync("dotnet", "tool", "install", "RainStorm", "--tool-path", tools, "--add-source", feed, "--version", packageVersion,
            "--ignore-failed-sources");

        var rainstorm = Path.Combine(tools, "rainstorm");
        Assert.Equal($"rainstorm {Cli.Version}", (await RunAsync(rainstorm, "--version")).Trim());
        Assert.Equal("a,Warning\nc,Warning\n", (await RunAsync(rainstorm, ["op", "Filter", "Warning"], stdin: "a,Warning\nb,Stop\nc,Warning\n")).ReplaceLineEndings("\n"));
        Assert.Equal("", await RunAsync(rainstorm, ["op", "Filter", "x"], stdin: "no match here\n"));
    }

    private Task<string> RunAsync(string file, params string[] args) => RunAsync(file, args, stdin: "");

    private async Task<string> RunAsync(string file, string[] args, string stdin)
    {
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_root, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var (exit, stdout, stderr) = await ProcessRun.RunAsync(TimeSpan.FromMinutes(5), file, args, _root, environment, stdin);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited {exit}: {stderr}{stdout}");
        return stdout;
    }
}
