using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Node.Tests.Commands;

public sealed class CommandParserTests
{
    private static ParsedCommand Parse(string line) => CommandParser.Parse(PaletteSpecs.All, CommandLine.Split(line));

    private static string Error(string line) => Assert.Throws<CommandSyntaxException>(() => Parse(line)).Message;

    [Fact]
    public void Multi_word_commands_are_found_by_their_words()
    {
        var parsed = Parse("cluster show -o json");
        Assert.Equal("cluster show", parsed.Spec.Name);
        Assert.True(parsed.Arguments.Json);
        Assert.False(Parse("cluster show").Arguments.Json);
    }

    [Fact]
    public void The_job_line_is_taken_verbatim_and_submit_is_an_alias()
    {
        var parsed = Parse("RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 src dst true false 0 0 0");
        Assert.Equal("RainStorm", parsed.Spec.Name);
        Assert.Equal(13, parsed.Arguments.Rest.Count);
        Assert.Equal("Punched Telespar", parsed.Arguments.Rest[3]);
        Assert.Same(parsed.Spec, Parse("submit 1 1 Filter -o a b true false 0 0 0").Spec);
        Assert.Contains("-o", Parse("submit 1 1 Filter -o a b true false 0 0 0").Arguments.Rest);
    }

    [Fact]
    public void Options_flags_and_positionals_are_bound_by_name()
    {
        var parsed = Parse("wait j7 --timeout 2.5 --follow");
        Assert.Equal("j7", parsed.Arguments["job"]);
        Assert.Equal(TimeSpan.FromSeconds(2.5), parsed.Arguments.Seconds("--timeout"));
        Assert.True(parsed.Arguments.Has("--follow"));
        Assert.Equal(TimeSpan.FromSeconds(2_000_000), Parse("wait j7 --timeout 2000000").Arguments.Seconds("--timeout"));
        var plain = Parse("wait j7");
        Assert.Null(plain.Arguments.Seconds("--timeout"));
        Assert.False(plain.Arguments.Has("--follow"));
        Assert.Equal(2, Parse("actor hierarchy -d 2").Arguments.Count("--depth"));
        Assert.Equal(4, Parse("actor hierarchy --depth 4").Arguments.Count("--depth"));
        Assert.Null(Parse("list_tasks").Arguments.Optional("job"));
        Assert.Equal("j2", Parse("list_tasks j2 -o json").Arguments.Optional("job"));
    }

    [Theory]
    [InlineData("nope", "unknown command 'nope'")]
    [InlineData("cluster", "cluster: missing sub-command; expected one of show, leave, down, tail")]
    [InlineData("cluster explode", "cluster: unknown sub-command 'explode'")]
    [InlineData("wait", "wait: missing <job>")]
    [InlineData("wait j1 --timeout", "--timeout needs a value")]
    [InlineData("wait j1 --timeout 0", "'0' is not a number of seconds > 0")]
    [InlineData("wait j1 --timeout soon", "'soon' is not a number of seconds")]
    [InlineData("wait j1 --timeout -5", "'-5' is not a number of seconds > 0")]
    [InlineData("wait j1 --timeout NaN", "'NaN' is not a number of seconds > 0")]
    [InlineData("wait j1 --timeout Infinity", "'Infinity' is not a number of seconds > 0")]
    [InlineData("wait j1 --timeout 1e308", "'1e308' is not a number of seconds > 0 (at most 2000000")]
    [InlineData("wait j1 --timeout 2000001", "'2000001' is not a number of seconds > 0 (at most 2000000")]
    [InlineData("wait j1 --later", "unknown option '--later'")]
    [InlineData("wait j1 j2", "unexpected argument 'j2'")]
    [InlineData("jobs -o xml", "'xml' is not one of table, json")]
    [InlineData("kill_task localhost 12", "<node> 'localhost' is not host:port")]
    [InlineData("kill_task 127.0.0.1:4053 twelve", "<pid> 'twelve' is not a whole number")]
    [InlineData("kill_task 127.0.0.1:4053", "missing <pid>")]
    [InlineData("actor hierarchy -d -1", "'-1' is not a whole number")]
    [InlineData("actor hierarchy -d abc", "-d 'abc' is not a whole number from 0 to 2147483647")]
    [InlineData("actor hierarchy -d 99999999999", "'99999999999' is not a whole number from 0 to 2147483647")]
    [InlineData("actor hierarchy -d", "-d needs a value (N)")]
    [InlineData("RainStorm", "RainStorm: missing <job>")]
    [InlineData("cluster leave 127.0.0.1:99999", "is not host:port")]
    public void Bad_input_gets_one_line_naming_the_problem_and_the_usage(string line, string expected)
    {
        var message = Error(line);
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
        if (!line.StartsWith("nope") && !line.StartsWith("cluster e") && line != "cluster")
            Assert.Contains("Usage: ", message);
    }

    [Fact]
    public void Every_example_in_the_palettes_parses()
    {
        foreach (var spec in PaletteSpecs.All)
            Assert.Same(spec, Parse(spec.Example).Spec);
    }

    [Fact]
    public void Usage_lines_show_required_optional_and_repeated_arguments()
    {
        var byName = PaletteSpecs.All.ToDictionary(s => s.Name);
        Assert.Equal("wait <job> [--timeout s] [--follow]", byName["wait"].Usage);
        Assert.Equal("list_tasks [<job>] [-o table|json] [--timeout s]", byName["list_tasks"].Usage);
        Assert.Equal("RainStorm [--timeout s] <job>...", byName["RainStorm"].Usage);
    }

    [Fact]
    public void Registering_two_palettes_with_the_same_command_is_refused()
    {
        var registry = new RainStorm.Actors.Commands.Execution.CommandRegistry();
        registry.Register(PaletteSpecs.Palettes[0]);
        var clash = new CommandPalette("other", "clashing", [PaletteSpecs.Palettes[0].Commands[0]]);
        var e = Assert.Throws<ArgumentException>(() => registry.Register(clash));
        Assert.Contains("cluster show", e.Message);
        registry.Register(PaletteSpecs.Palettes[0]); // re-registering a module replaces it
        Assert.Single(registry.Palettes);
    }
}
