using RainStorm.Node.Client;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>Large client file moves show bytes and rate on a terminal, and nothing when the output is not one.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TransferProgressTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _local = Directory.CreateTempSubdirectory("rainstorm-progress-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Fact]
    public async Task Create_and_get_of_a_large_file_show_bytes_and_rate_on_the_terminal()
    {
        var content = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(content);
        var path = Path.Combine(_local, "big.bin");
        await File.WriteAllBytesAsync(path, content);
        var name = $"progress-{Guid.NewGuid():N}.bin";

        var (createExit, createProgress, createOut) = await RunWithTerminalAsync("hydfs", "create", path, name);
        var (getExit, getProgress, _) = await RunWithTerminalAsync("hydfs", "get", name, Path.Combine(_local, "copy.bin"));

        Assert.Equal((0, 0), (createExit, getExit));
        Assert.Matches(@"\rsent 2\.0 MiB of 2\.0 MiB \(100 %\), [\d.]+ (B|KiB|MiB|GiB)/s", createProgress);
        Assert.Matches(@"\rreceived 2\.0 MiB, [\d.]+ (B|KiB|MiB|GiB)/s", getProgress);
        Assert.EndsWith("\n", getProgress);
        Assert.Equal($"created {name} ({content.Length} bytes)", createOut.Trim());
    }

    [Fact]
    public async Task Output_that_is_not_a_terminal_gets_no_progress()
    {
        var path = Path.Combine(_local, "quiet.bin");
        await File.WriteAllBytesAsync(path, new byte[2 * 1024 * 1024]);

        var result = await ProcessRun.RainstormAsync(TimeSpan.FromSeconds(90), cluster.First.CmdEndpoint, "hydfs", "create", path, $"quiet-{Guid.NewGuid():N}.bin");

        Assert.Equal(0, result.Exit);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public void The_progress_line_names_bytes_total_share_and_rate() =>
        Assert.Equal("sent 5.0 MiB of 20.0 MiB (25 %), 2.5 MiB/s",
            TransferProgress.Line("sent", 5 * 1024 * 1024, 20 * 1024 * 1024, TimeSpan.FromSeconds(2)));

    private async Task<(int Exit, string Progress, string Out)> RunWithTerminalAsync(params string[] command)
    {
        var output = new StringWriter();
        var terminal = new Transcript();
        var exit = await ClientCommand.RunAsync([cluster.First.CmdEndpoint, .. command], TextReader.Null, output, new StringWriter(),
            new Interrupts(), terminal: false, progress: terminal.Writer).WaitAsync(TimeSpan.FromSeconds(90));
        return (exit, terminal.Text, output.ToString());
    }
}
