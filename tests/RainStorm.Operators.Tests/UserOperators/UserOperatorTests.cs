using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Tests.Support;
using RainStorm.Operators.UserOperators;

namespace RainStorm.Operators.Tests.UserOperators;

[Collection(ChildProcessCollection.Name)]
public sealed class UserOperatorTests(OperatorScripts scripts)
{
    private static readonly List<StreamTuple> Input = Tuples.FromLines(["alpha,1", "beta,2", "gamma,3"], "in");

    [Fact]
    public void Runs_the_executable_once_per_batch_with_values_on_stdin_and_lines_from_stdout()
    {
        using var op = new UserOperator("upper", "", scripts.Directory);
        Assert.Null(op.CurrentPid);
        var outputs = Tuples.Run(op, Input);
        Assert.Equal([new("ALPHA,1", "ALPHA,1"), new("BETA,2", "BETA,2"), new("GAMMA,3", "GAMMA,3")], outputs);
        Assert.NotNull(op.CurrentPid);
        Assert.NotEqual(Environment.ProcessId, op.CurrentPid);
    }

    [Fact]
    public void The_argument_is_the_single_command_line_argument_and_outputs_may_be_zero_or_more_per_input()
    {
        using var echo = new UserOperator("echo_arg", "two words; $HOME *", scripts.Directory);
        Assert.Equal(["two words; $HOME *"], Tuples.Run(echo, Input).Select(t => t.Value));
        using var grep = new UserOperator("grep_arg", "beta", scripts.Directory);
        Assert.Equal(["beta,2"], Tuples.Run(grep, Input).Select(t => t.Value));
        using var none = new UserOperator("grep_arg", "delta", scripts.Directory);
        Assert.Empty(Tuples.Run(none, Input));
        using var twice = new UserOperator("twice", "", scripts.Directory);
        Assert.Equal(6, Tuples.Run(twice, Input).Count);
    }

    [Fact]
    public void Big_batches_stream_both_ways_without_deadlock_and_an_operator_may_stop_reading_early()
    {
        var many = Tuples.FromLines(Enumerable.Range(0, 50_000).Select(i => $"line {i} {new string('x', 100)}"));
        using var upper = new UserOperator("upper", "", scripts.Directory);
        var shouted = Tuples.Run(upper, many, batchSize: many.Count);
        Assert.Equal(many.Select(t => t.Value.ToUpperInvariant()), shouted.Select(t => t.Value));
        using var first = new UserOperator("first_only", "", scripts.Directory);
        Assert.Equal([many[0].Value], Tuples.Run(first, many, batchSize: many.Count).Select(t => t.Value));
    }

    [Fact]
    public void Rainstorm_op_wrapped_in_a_script_is_a_user_operator_giving_what_the_built_in_gives()
    {
        var input = Tuples.FromLines(TrafficSigns.Lines);
        using var filter = new UserOperator("filter_via_op", "Punched Telespar", scripts.Directory, TimeSpan.FromMinutes(2));
        var filtered = Tuples.Run(filter, input, batchSize: input.Count);
        Assert.Equal(Tuples.Run(new Filter("Punched Telespar"), input).Select(t => t.Value), filtered.Select(t => t.Value));
        Assert.Equal(8155, filtered.Count);

        // One batch, so the per-batch process keeps its counts for the whole input.
        using var aggregate = new UserOperator("aggregate_via_op", "8", scripts.Directory, TimeSpan.FromMinutes(2));
        var counts = Tuples.Run(aggregate, filtered, batchSize: filtered.Count);
        Assert.Equal(Tuples.Run(new AggregateByKey(8), filtered).Select(t => t.Value), counts.Select(t => t.Value));
        Assert.Contains("Streetname,2798", counts.Select(t => t.Value));
    }

    [Fact]
    public void Crlf_output_is_read_as_lines()
    {
        using var crlf = new UserOperator("crlf", "", scripts.Directory);
        Assert.Equal(["a", "b"], Tuples.Run(crlf, Input).Select(t => t.Value));
    }

    [Fact]
    public void A_non_zero_exit_is_an_operator_exception_with_the_stderr_tail()
    {
        using var op = new UserOperator("fail", "", scripts.Directory);
        var e = Assert.Throws<OperatorException>(() => op.Process(Input, []));
        Assert.Equal("User operator 'fail' exited with code 3 on a batch of 3 tuples; stderr: 'reading the input / bad things happened'.", e.Message);
    }

    [Fact]
    public void A_hanging_operator_times_out_and_is_killed_with_its_children()
    {
        var pidFile = Path.Combine(scripts.Directory, $"hang-{Guid.NewGuid():N}.pid");
        using var op = new UserOperator("hang", pidFile, scripts.Directory, TimeSpan.FromSeconds(3));
        var e = Assert.Throws<OperatorException>(() => op.Process(Input, []));
        Assert.Equal("User operator 'hang' did not finish a batch of 3 tuples within 3 s and was killed; stderr was empty.", e.Message);
        var shellPid = op.CurrentPid!.Value;
        var sleepPid = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.True(SpinWait.SpinUntil(() => !IsRunning(shellPid) && !IsRunning(sleepPid), TimeSpan.FromSeconds(60)),
            $"the operator (pid {shellPid}) or its child (pid {sleepPid}) still runs after the timeout");
    }

    [Fact]
    public void Disposing_kills_a_running_child()
    {
        var pidFile = Path.Combine(scripts.Directory, $"hang-{Guid.NewGuid():N}.pid");
        var op = new UserOperator("hang", pidFile, scripts.Directory, TimeSpan.FromMinutes(5));
        var running = Task.Run(() => op.Process(Input, []));
        Assert.True(SpinWait.SpinUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, TimeSpan.FromSeconds(30)));
        op.Dispose();
        var e = Assert.Throws<AggregateException>(() => running.Wait(TimeSpan.FromSeconds(30)));
        Assert.IsType<OperatorException>(e.InnerException);
        Assert.StartsWith("User operator 'hang' exited with code", e.InnerException!.Message);
        Assert.True(SpinWait.SpinUntil(() => !IsRunning(op.CurrentPid!.Value), TimeSpan.FromSeconds(60)));
        Assert.Throws<ObjectDisposedException>(() => op.Process(Input, []));
    }

    [Fact]
    public void Output_that_is_not_utf8_is_an_operator_exception()
    {
        using var op = new UserOperator("garbage", "", scripts.Directory);
        var e = Assert.Throws<OperatorException>(() => op.Process(Input, []));
        Assert.Equal("User operator 'garbage' wrote output that is not valid UTF-8; stderr was empty.", e.Message);
    }

    [Fact]
    public void A_value_with_a_line_break_is_refused_before_starting_anything()
    {
        using var op = new UserOperator("upper", "", scripts.Directory);
        var e = Assert.Throws<OperatorException>(() => op.Process([new("k:1", "two\nlines")], []));
        Assert.Equal("User operator 'upper' cannot take the value of tuple 'k:1' because it contains a line break; expected one line per tuple.", e.Message);
        Assert.Null(op.CurrentPid);
    }

    [Theory]
    [InlineData("../evil", "User operator name '../evil' is refused because it contains a path separator; expected a plain file name inside the operator directory.")]
    [InlineData("sub/nested", "User operator name 'sub/nested' is refused because it contains a path separator; expected a plain file name inside the operator directory.")]
    [InlineData("..", "User operator name '..' is refused because it contains '..'; expected a plain file name inside the operator directory.")]
    [InlineData("a\\b", "User operator name 'a\\b' is refused because it contains a path separator; expected a plain file name inside the operator directory.")]
    [InlineData("", "User operator name '' is refused because it is empty; expected a plain file name inside the operator directory.")]
    public void Names_that_could_leave_the_operator_directory_are_refused(string name, string message)
    {
        var e = Assert.Throws<OperatorException>(() => new UserOperator(name, "", scripts.Directory));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void An_absolute_path_to_an_existing_executable_is_refused()
    {
        var evil = Path.Combine(scripts.Outside, "evil");
        var e = Assert.Throws<OperatorException>(() => new UserOperator(evil, "", scripts.Directory));
        Assert.Equal($"User operator name '{evil}' is refused because it contains a path separator; expected a plain file name inside the operator directory.", e.Message);
    }

    [Fact]
    public void Missing_and_non_executable_operators_are_refused()
    {
        var missing = Assert.Throws<OperatorException>(() => new UserOperator("evil", "", scripts.Directory));
        Assert.Equal($"op 'evil' is not one of the built-ins Filter, Transform and AggregateByKey, nor a user operator in the operator directory '{scripts.Directory}'; expected a built-in or an executable file there.", missing.Message);
        var plain = Assert.Throws<OperatorException>(() => new UserOperator("not_executable", "", scripts.Directory));
        Assert.Equal($"User operator 'not_executable' in '{scripts.Directory}' is not executable; expected a file with an execute permission (chmod +x).", plain.Message);
        var noDir = Assert.Throws<OperatorException>(() => new UserOperator("upper", "", Path.Combine(scripts.Directory, "nope")));
        Assert.Equal($"op 'upper' is not one of the built-ins Filter, Transform and AggregateByKey, and no user operator can be found because the operator directory '{Path.Combine(scripts.Directory, "nope")}' does not exist; expected a configured directory of operator executables.", noDir.Message);
    }

    private static bool IsRunning(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ");
}
