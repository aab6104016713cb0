using System.Text.RegularExpressions;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Parsing;

namespace RainStorm.Node.Tests.Commands;

/// <summary>The docs keep up with the code: the "Command line" section of docs/operations.md documents every command a
/// node serves with an example that parses, every configuration key is listed with its default, the README is the
/// front door to every docs file, and no comment cites a document the repository does not have.</summary>
public sealed class ReadmeTests
{
    private static readonly string Root = RainStorm.TestData.RepositoryData.FindRoot(AppContext.BaseDirectory)
                                          ?? throw new InvalidOperationException("RainStorm.sln not found above the tests");

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([Root, .. path]));

    private static string CommandLineSection()
    {
        var readme = Read("docs", "operations.md");
        var start = readme.IndexOf("\n## Command line", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operations.md has no '## Command line' section");
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
        Assert.True(missing.Count == 0, $"no docs/operations.md example for: {string.Join(", ", missing)}");
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

    [Fact]
    public void The_readme_keeps_the_two_commands_and_links_every_docs_file()
    {
        var readme = Read("README.md");
        Assert.Contains("bin/rainstorm local --demo\n", readme);
        Assert.Contains("\nbin/test\n", readme);
        Assert.EndsWith("\nbin/test\n", Read(".ci", "run")); // CI runs exactly the README's test command
        Assert.Contains("dotnet tool install", readme);
        foreach (var doc in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"))
            Assert.Contains($"](docs/{Path.GetFileName(doc)})", readme);
        Assert.Contains("## Further reading", readme);
    }

    [Fact]
    public void Every_configuration_key_is_documented_with_its_default()
    {
        var operations = Read("docs", "operations.md");
        var config = Akka.Configuration.ConfigurationFactory.ParseString(Read("hocon", "rainstorm.conf"));
        var leaves = Leaves("", config.Root).ToList();
        Assert.True(leaves.Count > 50, $"only {leaves.Count} keys read from rainstorm.conf");
        var missing = leaves
            .Where(key => !key.Contains("serializ")) // type bindings, listed but not settings
            .Select(key => (Key: key, Value: config.GetString(key)))
            .Where(p => !operations.Split('\n').Any(line => line.Contains($"`{p.Key}`") && line.Contains(p.Value)))
            .Select(p => $"{p.Key} = {p.Value}")
            .ToList();
        Assert.True(missing.Count == 0, $"not in docs/operations.md with its default: {string.Join("; ", missing)}");
    }

    private static IEnumerable<string> Leaves(string prefix, Akka.Configuration.Hocon.HoconValue value) =>
        value.IsObject()
            ? value.GetObject().Items.SelectMany(item => Leaves(prefix.Length == 0 ? item.Key : $"{prefix}.{item.Key}", item.Value))
            : [prefix];

    [Fact]
    public void No_comment_cites_a_design_document_outside_the_repository()
    {
        var cited = new[] { "src", "tests", "bench", "hocon" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".conf") || f.EndsWith(".csproj"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"DESIGN( §| )\d"))
            .ToList();
        Assert.True(cited.Count == 0, $"cite DESIGN instead of docs/architecture.md: {string.Join(", ", cited)}");
        Assert.True(File.Exists(Path.Combine(Root, "docs", "architecture.md")));
    }
}
