using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Random HyDFS names, many of them written to escape (<c>../</c>, absolute paths, backslashes, control
/// characters), created on a real node: a name is refused with HyDFS's one-line error or stored under its hash inside
/// the store directory, and nothing is ever written anywhere else.</summary>
public sealed partial class HyDfsNameFuzzSpec : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(1, roles: ["hydfs"]);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static readonly Gen<string> Name = Gen.OneOf(
        Gen.String[Gen.Char["a./\\:~ \u0000\n\u00e9"], 1, 20],
        Gen.Select(Gen.OneOfConst("../", "/", "./", "..\\", "C:", "~/", "a/../../", "//", ""), Gen.String[Gen.Char["ab/."], 1, 10],
            (prefix, rest) => prefix + "escape-" + rest),
        Gen.String[Gen.Char.AlphaNumeric, 250, 260]);

    [GeneratedRegex("^[0-9a-f]{32}\\.(dat|meta|crc)$")]
    private static partial Regex DiskFile();

    [Fact]
    public async Task Random_names_are_stored_under_their_hash_in_the_store_or_refused_and_never_reach_outside()
    {
        var client = HyDfsClient.For(_cluster[0].System);
        var store = Path.GetFullPath(Path.Combine(_cluster[0].Options.DataDir, "hydfs"));
        var before = AllFiles(_cluster.Root).Where(f => !f.StartsWith(store, StringComparison.Ordinal)).ToHashSet();
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var refused = 0;
        foreach (var name in Name.Array[150].Single().Distinct())
        {
            if (FileNames.Problem(name) is null)
            {
                await client.CreateAsync(name, Encoding.UTF8.GetBytes(name));
                accepted.Add(name);
                continue;
            }
            var error = await Assert.ThrowsAsync<HyDfsException>(() => client.CreateAsync(name, Encoding.UTF8.GetBytes(name)));
            Assert.StartsWith("bad HyDFS file name", error.Message);
            Assert.DoesNotContain('\n', error.Message);
            refused++;
        }

        Assert.True(accepted.Count > 10 && refused > 10, $"{accepted.Count} accepted, {refused} refused: the generator lost its mix");
        foreach (var name in accepted) Assert.Equal(name, Encoding.UTF8.GetString(await client.GetAsync(name)));
        var stored = Directory.GetFiles(store);
        Assert.All(stored, f => Assert.Matches(DiskFile(), Path.GetFileName(f)));
        Assert.Equal(accepted.Count * 3, stored.Length); // data, metadata log, block checksums
        // Outside the store nothing new appeared under the node's root (logs may grow, but no file was added).
        var after = AllFiles(_cluster.Root).Where(f => !f.StartsWith(store, StringComparison.Ordinal)).ToHashSet();
        Assert.Empty(after.Except(before).Where(f => f.Contains("escape", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(store)!, "..", "escape-")));
    }

    private static IEnumerable<string> AllFiles(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(Path.GetFullPath);
}
