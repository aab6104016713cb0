using System.Text.RegularExpressions;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Node.Tests.Commands;

/// <summary>The README's "Command line" section documents every command a node serves, with an example that parses.</summary>
public sealed class ReadmeTests
{
    private static string CommandLineSection()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RainStorm.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var readme = File.ReadAllText(Path.Combine(dir.FullName, "README.md"));
        var start = readme.IndexOf("\n## Command line", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '## Command line' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [Fact]
    public void Every_command_has_a_bin_rainstorm_example_that_parses()
    {
        var documented = new Dictionary<CommandSpec, string>();
        foreach (Match example in Regex.Matches(CommandLineSection(), "`bin/rainstorm ([^`]+)`"))
        {
            var tokens = CommandLine.Split(example.Groups[1].Value).ToList();
            if (tokens.Count > 0 && tokens[0].Contains(':')) tokens.RemoveAt(0); // the endpoint
            try
            {
                documented.TryAdd(CommandParser.Parse(PaletteSpecs.All, tokens).Spec, example.Value);
            }
            catch (CommandSyntaxException)
            {
                // a usage line with placeholders, not an example
            }
        }
        var missing = PaletteSpecs.All.Where(s => !documented.ContainsKey(s)).Select(s => s.Name).ToList();
        Assert.True(missing.Count == 0, $"no README example for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_json_shapes_the_issue_names_are_documented()
    {
        var section = CommandLineSection();
        Assert.Contains("[{\"address\": \"127.0.0.1:4053\", \"roles\": [\"worker\"], \"status\": \"Up\"}]", section);
        Assert.Contains("{\"file\":…, \"id\":…, \"replicas\":[{\"node\":\"host:port\",\"ring_id\":…}]}", section);
        foreach (var key in new[] { "task", "job", "stage", "op", "node", "pid", "state", "in_per_s", "out_per_s", "backpressure", "log" })
            Assert.Contains($"\"{key}\"", section);
    }
}
