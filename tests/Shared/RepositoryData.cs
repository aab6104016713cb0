namespace RainStorm.TestData;

/// <summary>
/// The data shipped in the repository (<c>tests/data</c>), found from the running binary by walking up to the
/// directory holding RainStorm.sln. Tests and benchmarks read their data only through here, so a clone alone is
/// enough, and a missing file stops them with one sentence naming where it should be, before any node starts.
/// </summary>
internal static class RepositoryData
{
    public const string SolutionFile = "RainStorm.sln";
    public const string TrafficSignsFile = "Traffic_Signs.csv";

    private static readonly Lazy<string> LazyTrafficSigns = new(() => Require(TrafficSignsFile, AppContext.BaseDirectory));

    /// <summary>The full path of tests/data/Traffic_Signs.csv (City of Champaign sign inventory).</summary>
    public static string TrafficSigns => LazyTrafficSigns.Value;

    /// <summary>The repository root: the nearest directory at or above <paramref name="start"/> holding RainStorm.sln.</summary>
    public static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The full path of tests/data/<paramref name="name"/> in the repository above <paramref name="start"/>;
    /// throws <see cref="FileNotFoundException"/> with one sentence naming the expected place when it is missing.</summary>
    public static string Require(string name, string start)
    {
        var root = FindRoot(start)
            ?? throw new FileNotFoundException($"The test data {name} was not found: no directory above {start} holds {SolutionFile}, so the repository's tests/data cannot be located.");
        var path = Path.Combine(root, "tests", "data", name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The test data {name} is missing: it should be at {path} (it is committed in the repository; restore it with git checkout -- tests/data).", path);
        return path;
    }
}
