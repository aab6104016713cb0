using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.Cli;

/// <summary>
/// <c>bin/rainstorm</c> builds the node binary when it is missing or older than any source, and otherwise just runs it.
/// Tested on a copy of the launcher in a scratch tree of the same layout whose src/RainStorm.Node is a tiny console
/// program (the real one takes a minute to build): the launcher, dotnet and the file timestamps are all real.
/// One scratch tree per test; <see cref="LauncherTests"/> and <see cref="LauncherRebuildTests"/> are two classes so that
/// their builds run side by side.
/// </summary>
public abstract class LauncherScratch : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rainstorm-launcher-").FullName;

    protected LauncherScratch()
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

    protected string Launcher => Path.Combine(_root, "bin", "rainstorm");
    protected string Binary => Path.Combine(_root, ".build", "rainstorm", "rainstorm.dll");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    protected const string Building = "rainstorm: building (first run or sources changed)...\n";

    protected void AgeBinary() => File.SetLastWriteTimeUtc(Binary, DateTime.UtcNow.AddMinutes(-1));

    protected void WriteProgram(string version) =>
        Write("src/RainStorm.Node/Program.cs", $"System.Console.WriteLine(\"{version} \" + string.Join(\" \", args));");

    protected void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    protected async Task<(string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunRawAsync(args);
        Assert.True(exitCode == 0, $"bin/rainstorm exited with {exitCode}: {stderr}");
        return (stdout, stderr);
    }

    protected Task<RunResult> RunRawAsync(params string[] args) => RunProcessAsync(Launcher, args);

    protected static Task<RunResult> RunProcessAsync(string file, params string[] args) => ProcessRun.RunAsync(TimeSpan.FromMinutes(3), file, args);
}
