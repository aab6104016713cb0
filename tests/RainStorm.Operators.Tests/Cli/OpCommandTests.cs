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
    [InlineData("Filter", "x")]
    [InlineData("Transform", "0-2")]
    [InlineData("AggregateByKey", "8")]
    public async Task Empty_input_gives_no_output_and_exit_code_0(string op, string arg)
    {
        using var process = new RainstormProcess("op", op, arg);
        var (stdout, stderr, exitCode) = await process.RunWithInputAsync([]);
        Assert.Equal(0, exitCode);
        Assert.Empty(stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Lines_end_at_lf_and_lose_a_trailing_cr_as_the_runtime_source_splits_them()
    {
        using var op = new RainstormProcess("op", "Filter", "x");
        var (stdout, _, exitCode) = await op.RunWithInputAsync(Encoding.UTF8.GetBytes("xa\r\nxb\rc\nno\n\uFEFFbom x\nxlast"));
        Assert.Equal(0, exitCode);
        Assert.Equal("xa\nxb\rc\n\uFEFFbom x\nxlast\n", Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public async Task A_transform_arg_that_is_no_column_spec_selects_the_first_three_fields_and_says_so()
    {
        using var op = new RainstormProcess("op", "Transform", "first");
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync(Encoding.UTF8.GetBytes("a,\"b,c\",d,e\n"));
        Assert.Equal(0, exitCode);
        Assert.Equal("a,\"b,c\",d\n", Encoding.UTF8.GetString(stdout));
        Assert.Equal("rainstorm op: Transform arg 'first' is not a column spec like 0-2 or 0,3,8; selecting the first 3 fields (0-2).\n", stderr);
    }

    [Fact]
    public async Task Input_that_is_not_utf8_ends_at_the_bad_line_with_one_message_and_exit_code_1()
    {
        using var op = new RainstormProcess("op", "Filter", "a");
        byte[] input = [.. "a1\nb\nbad "u8, 0xff, 0xfe, .. " a\na4\n"u8];
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync(input);
        Assert.Equal(1, exitCode);
        Assert.Equal("a1\n", Encoding.UTF8.GetString(stdout));
        Assert.Equal("rainstorm op: input line 3 is not valid UTF-8; expected text with one tuple per line.\n", stderr);
    }

    [Fact]
    public async Task A_line_over_16_MiB_ends_the_input_with_one_message_and_exit_code_1()
    {
        using var op = new RainstormProcess("op", "Filter", "a");
        var input = Encoding.ASCII.GetBytes("a,1\n" + new string('a', (16 << 20) + 1) + "\na,3\n");
        var (stdout, stderr, exitCode) = await op.RunWithInputAsync(input);
        Assert.Equal(1, exitCode);
        Assert.Equal("a,1\n", Encoding.UTF8.GetString(stdout));
        Assert.Equal("rainstorm op: input line 2 is longer than 16 MiB; expected text with one tuple per line.\n", stderr);
    }

    [Fact]
    public async Task Unreadable_input_and_unwritable_output_are_one_message_and_exit_code_1()
    {
        var directory = Directory.CreateTempSubdirectory("rainstorm-op-").FullName;
        try
        {
            var (stdout, stderr, exitCode) = await RainstormProcess.ShellAsync($"dotnet \"$RAINSTORM\" op Filter x < '{directory}'");
            Assert.Equal((1, ""), (exitCode, stdout));
            Assert.Equal("rainstorm op: cannot read standard input (Is a directory); expected a file or a pipe of text lines.\n", stderr);

            (stdout, stderr, exitCode) = await RainstormProcess.ShellAsync($"dotnet \"$RAINSTORM\" op Filter Warning < '{TrafficSigns.Path}' > /dev/full");
            Assert.Equal((1, ""), (exitCode, stdout));
            Assert.Equal("rainstorm op: cannot write standard output (No space left on device).\n", stderr);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Output_to_a_file_other_commands_write_too_is_appended_not_overwritten()
    {
        var directory = Directory.CreateTempSubdirectory("rainstorm-op-").FullName;
        try
        {
            var output = Path.Combine(directory, "out");
            var filter = $"dotnet \"$RAINSTORM\" op Filter Warning < '{TrafficSigns.Path}'";
            var (_, stderr, exitCode) = await RainstormProcess.ShellAsync($"{{ echo before; {filter}; echo between; {filter}; }} > '{output}'");
            Assert.Equal((0, ""), (exitCode, stderr));
            var matches = string.Concat(TrafficSigns.Lines.Where(l => l.Contains("Warning")).Select(l => l + "\n"));
            Assert.Equal($"before\n{matches}between\n{matches}", await File.ReadAllTextAsync(output));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "op", "Grep", "x" }, "rainstorm: op 'Grep' is not one of the built-ins Filter, Transform and AggregateByKey; rainstorm op runs built-ins only.")]
    [InlineData(new[] { "op", "filter", "x" }, "rainstorm: op 'filter' is not one of the built-ins Filter, Transform and AggregateByKey (did you mean Filter? names are case-sensitive); rainstorm op runs built-ins only.")]
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
