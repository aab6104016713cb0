using RainStorm.Operators.Jobs;

namespace RainStorm.Operators.Tests.Jobs;

public sealed class ShellTokensTests
{
    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("  lead and trail  ", new[] { "lead", "and", "trail" })]
    [InlineData("Filter \"Punched Telespar\" x", new[] { "Filter", "Punched Telespar", "x" })]
    [InlineData("'single \"keeps\" this'", new[] { "single \"keeps\" this" })]
    [InlineData("\"double 'keeps' this\"", new[] { "double 'keeps' this" })]
    [InlineData("a\"b c\"d", new[] { "ab cd" })]
    [InlineData("\"\" x", new[] { "", "x" })]
    [InlineData("''", new[] { "" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("\"say \\\"hi\\\" \\\\ \\n\"", new[] { "say \"hi\" \\ \\n" })]
    [InlineData("'no \\escapes'", new[] { "no \\escapes" })]
    [InlineData("one \\\ntwo", new[] { "one", "two" })]
    [InlineData("one \\\r\ntwo", new[] { "one", "two" })]
    [InlineData("tabs\tand\nnewlines", new[] { "tabs", "and", "newlines" })]
    [InlineData("", new string[0])]
    public void Splits_like_a_shell(string line, string[] expected) => Assert.Equal(expected, ShellTokens.Split(line));

    [Fact]
    public void An_unterminated_quote_names_its_position()
    {
        var e = Assert.Throws<FormatException>(() => ShellTokens.Split("ab \"cd"));
        Assert.Equal("The quote \" at character 4 is never closed; expected a matching \".", e.Message);
    }
}
