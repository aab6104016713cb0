using RainStorm.Actors.Commands.Completion;

namespace RainStorm.Node.Tests.Commands;

public sealed class CommandCompleterTests
{
    private static readonly CommandCompleter Completer = new(PaletteSpecs.All, ["help", "history", "exit"]);

    private static IReadOnlyList<string> Candidates(string line) => Completer.Complete(line).Candidates;

    [Fact]
    public void First_words_are_commands_groups_aliases_and_console_commands()
    {
        var all = Candidates("");
        Assert.Contains("cluster", all);
        Assert.Contains("RainStorm", all);
        Assert.Contains("submit", all);
        Assert.Contains("help", all);
        Assert.DoesNotContain("show", all);
        Assert.Equal(["kill", "kill_task"], Candidates("ki"));
        Assert.Equal(["cluster"], Candidates("clu"));
    }

    [Fact]
    public void A_group_completes_to_its_sub_commands()
    {
        Assert.Equal(["down", "leave", "show", "tail"], Candidates("cluster "));
        var completion = Completer.Complete("cluster sh");
        Assert.Equal(["show"], completion.Candidates);
        Assert.Equal(8, completion.ReplaceFrom);
        Assert.Equal("show", completion.CommonPrefix);
    }

    [Fact]
    public void Declared_values_of_options_are_offered()
    {
        Assert.Equal(["json", "table"], Candidates("cluster show -o "));
        Assert.Equal(["json"], Candidates("jobs --output j"));
        Assert.Equal(["--follow", "--timeout"], Candidates("wait j1 --"));
        Assert.Equal(["--follow"], Candidates("wait j1 --timeout 3 --f"));
        Assert.Equal(["--output", "-o"], Candidates("cluster show "));
        Assert.Empty(Candidates("cluster show -o json "));
    }

    [Fact]
    public void Help_completes_command_names()
    {
        Assert.Equal(["cluster"], Candidates("help cl"));
        Assert.Equal(["down", "leave", "show", "tail"], Candidates("help cluster "));
    }

    [Fact]
    public void The_common_prefix_is_what_one_tab_inserts()
    {
        var completion = Completer.Complete("kil");
        Assert.Equal("kill", completion.CommonPrefix);
        Assert.Empty(Candidates("zzz"));
        Assert.Empty(Candidates("\"unbalanced"));
    }
}
