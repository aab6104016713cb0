using CsCheck;
using RainStorm.Operators.Jobs;

namespace RainStorm.Operators.Tests.Jobs;

/// <summary>Random job lines, near-valid and wild: the parser either returns a plan or throws its own one-sentence
/// <see cref="JobCommandException"/>, never anything else.</summary>
public sealed class JobLineFuzzTests
{
    // Tokens a job line is made of, the ones that break it, and shell syntax.
    private static readonly Gen<string> Token = Gen.OneOf(
        Gen.OneOfConst("RainStorm", "submit", "Filter", "Transform", "AggregateByKey", "0-2", "8", "true", "false", "1", "0",
            "-1", "1e9", "1e400", "NaN", "0.5", "2147483648", "src.csv", "out", "../x", "/abs", "a\\b", "\"", "'", "\\", "\"a b\"",
            "'q'", "\\\n", "x..y", "64", "65", "16", "17", ""),
        Gen.String[Gen.Char["aZ09 -_./\\\"'$`\t\u00e9\u0000"], 0, 12]);

    private static readonly Gen<string> NearValid = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Token.Array[0, 14],
        (stages, tasks, rest) => $"RainStorm {stages} {tasks} " + string.Join(' ', rest));

    private static readonly Gen<string> Wild = Gen.OneOf(Token.Array[0, 20].Select(t => string.Join(' ', t)), Gen.String[0, 80]);

    private static void ParsesOrSaysWhy(string line)
    {
        try
        {
            JobCommandParser.Parse(line);
        }
        catch (JobCommandException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain("   at ", e.Message);
        }
    }

    [Fact]
    public void Random_near_valid_lines_only_ever_raise_the_parsers_error() => NearValid.Sample(ParsesOrSaysWhy, iter: 20_000);

    [Fact]
    public void Random_wild_lines_only_ever_raise_the_parsers_error() => Wild.Sample(ParsesOrSaysWhy, iter: 20_000);

    [Fact]
    public void A_valid_line_with_one_token_replaced_at_random_still_only_raises_the_parsers_error()
    {
        var valid = ShellTokens.Split("RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 src.csv out true false 100 0 0").ToArray();
        Gen.Select(Gen.Int[0, valid.Length - 1], Token).Sample((at, token) =>
        {
            var tokens = (string[])valid.Clone();
            tokens[at] = token;
            ParsesOrSaysWhy(string.Join(' ', tokens.Select(t => t.Contains(' ') ? $"\"{t}\"" : t)));
        }, iter: 10_000);
    }
}
