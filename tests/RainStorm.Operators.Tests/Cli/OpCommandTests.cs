using System.Text;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.Cli;

/// <summary><c>rainstorm op</c> run as a real process, the way a shell pipeline runs it.</summary>
[Collection(ChildProcessCollection.Name)]
public sealed class OpCommandTests
{
    [Fact]
    public async Task Filter_over_the_traffic_sign_file_outputs_exactly_the_matching_lines()
    {
        var bytes = await File.ReadAllBytesAsync(TrafficSigns.Path);
        using var op = new RainstormProcess("op", "Filter", "Warning");
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync(bytes);

        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
        var expected = TrafficSigns.Lines.Where(l => l.Contains("Warning")).Select(l => l + "\n");
        Assert.Equal(string.Concat(expected), Encoding.UTF8.GetString(stdout));
        Assert.Equal(669, Encoding.UTF8.GetString(stdout).Count(c => c == '\n')); // grep -c Warning
    }

    [Fact]
    public async Task AggregateByKey_as_a_filter_prints_running_counts_and_reports_malformed_records()
    {
        using var op = new RainstormProcess("op", "AggregateByKey", "1");
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync(Encoding.UTF8.GetBytes("a,x\nb,\"y,z\"\nshort\nc,x\n"));
        Assert.Equal(0, exitCode);
        Assert.Equal("x,1\n\"y,z\",1\nx,2\n", Encoding.UTF8.GetString(stdout));
        Assert.Equal("rainstorm op: skipped 1 malformed record(s) with too few fields.\n", stderr);
    }

    [Fact]
    public async Task Output_streams_before_the_input_ends()
    {
        using var op = new RainstormProcess("op", "Transform", "1");
        await op.StandardInput.WriteAsync("a,b,c\n");
        await op.StandardInput.FlushAsync();
        var first = await op.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("b", first);
        await op.StandardInput.WriteAsync("d,\"e,f\"\n");
        await op.StandardInput.FlushAsync();
        Assert.Equal("\"e,f\"", await op.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        op.StandardInput.Close();
        Assert.Null(await op.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await op.WaitForExitAsync());
    }

    [Fact]
    public async Task Endless_input_ends_when_the_reader_of_stdout_goes_away_like_with_head()
    {
        using var op = new RainstormProcess("op", "Filter", "a");
        var feeding = Task.Run(async () =>
        {
            try
            {
                while (true) await op.StandardInput.WriteAsync("a,b\nc,d\n");
            }
            catch (IOException)
            {
                // The filter exited: the expected end.
            }
        });
        Assert.Equal("a,b", await op.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        op.StandardOutput.Close();
        Assert.Equal(0, await op.WaitForExitAsync());
        await feeding.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("", await op.StandardError);
    }

    [Theory]
    [InlineData(new[] { "op", "Grep", "x" }, "rainstorm: op 'Grep' is not a built-in operator; expected one of Filter, Transform, AggregateByKey.")]
    [InlineData(new[] { "op", "Filter" }, "rainstorm: op takes 2 arguments, <Op> <arg>, but got 1; expected e.g. 'rainstorm op Filter Warning < file.csv'.")]
    [InlineData(new[] { "op", "Filter", "" }, "rainstorm: Filter pattern is empty; expected a non-empty substring to look for.")]
    [InlineData(new[] { "op", "AggregateByKey", "eight" }, "rainstorm: AggregateByKey column is 'eight'; expected a 0-based column number from 0 to 9999.")]
    public async Task A_bad_operator_or_argument_is_one_line_and_exit_code_2(string[] args, string message)
    {
        using var op = new RainstormProcess(args);
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync([]);
        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Equal(message + "\n", stderr);
    }
}
