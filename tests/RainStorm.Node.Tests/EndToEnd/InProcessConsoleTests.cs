using RainStorm.Actors.Commands.Execution;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>The palettes without a socket: what an in-process console such as <c>rainstorm local</c> runs.</summary>
[Collection(ClusterCollection.Name)]
public sealed class InProcessConsoleTests(ClusterFixture cluster)
{
    [Fact]
    public async Task The_executor_runs_palette_commands_against_a_text_console()
    {
        var executor = new CommandExecutor(cluster.First.System);
        var output = new StringWriter();
        var console = new TextWriterConsole(output);

        var shown = await executor.ExecuteAsync(["cluster", "show"], console, CancellationToken.None);
        Assert.Equal(CommandOutcome.Success, shown);
        Assert.EndsWith("3 members", output.ToString().Trim());

        var dir = Directory.CreateTempSubdirectory("rainstorm-cmd-inproc-").FullName;
        try
        {
            var name = $"inproc-{Guid.NewGuid():N}.txt";
            await File.WriteAllTextAsync(Path.Combine(dir, "in.txt"), "local bytes\n");
            Assert.Equal(0, (await executor.ExecuteAsync(["hydfs", "create", Path.Combine(dir, "in.txt"), name], console, CancellationToken.None)).ExitCode);
            Assert.Equal(0, (await executor.ExecuteAsync(["hydfs", "get", name, Path.Combine(dir, "out.txt")], console, CancellationToken.None)).ExitCode);
            Assert.Equal("local bytes\n", await File.ReadAllTextAsync(Path.Combine(dir, "out.txt")));

            var missing = await executor.ExecuteAsync(["hydfs", "create", Path.Combine(dir, "none.txt"), name + "2"], console, CancellationToken.None);
            Assert.Equal(1, missing.ExitCode);
            Assert.StartsWith($"cannot read local file {Path.Combine(dir, "none.txt")}", missing.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        var bad = await executor.ExecuteAsync(["cluster", "show", "-o"], console, CancellationToken.None);
        Assert.Equal(new CommandOutcome(2, "cluster show: -o needs a value (format). Usage: cluster show [-o table|json]"), bad);
    }
}
