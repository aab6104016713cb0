using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Node.Tests.Commands;

public sealed class CommandLineTests
{
    [Fact]
    public void Quotes_group_words_and_are_removed()
    {
        Assert.Equal(["RainStorm", "1", "Filter", "Punched Telespar", "it's"],
            CommandLine.Split("RainStorm 1  Filter \"Punched Telespar\" \"it's\""));
        Assert.Equal(["a b", "c"], CommandLine.Split("'a b' c"));
        Assert.Equal(["say \"hi\""], CommandLine.Split("\"say \\\"hi\\\"\""));
    }

    [Theory]
    [InlineData("Punched Telespar")]
    [InlineData("a \"quoted\" word")]
    [InlineData("back\\slash and 'single'")]
    [InlineData("")]
    [InlineData("plain")]
    public void Join_gives_back_the_same_tokens(string token)
    {
        var tokens = new[] { "Filter", token, "8" };
        Assert.Equal(tokens, CommandLine.Split(CommandLine.Join(tokens)));
    }

    [Fact]
    public void An_unbalanced_quote_is_a_clear_error()
    {
        var e = Assert.Throws<CommandSyntaxException>(() => CommandLine.Split("Filter \"open"));
        Assert.Contains("unbalanced", e.Message);
    }

    [Fact]
    public void Tokens_know_where_they_start_and_whether_the_last_is_being_typed()
    {
        var tokens = CommandLine.Tokenize("hydfs  ls x", out var inWord);
        Assert.True(inWord);
        Assert.Equal([0, 7, 10], tokens.Select(t => t.Start));
        CommandLine.Tokenize("hydfs ", out inWord);
        Assert.False(inWord);
    }
}
