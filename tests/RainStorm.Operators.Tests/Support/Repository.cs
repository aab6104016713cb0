namespace RainStorm.Operators.Tests.Support;

/// <summary>The checkout the tests were built from (the directory with RainStorm.sln above the test binaries).</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RainStorm.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no RainStorm.sln in any directory above {AppContext.BaseDirectory}");
    });

    public static string Root => LazyRoot.Value;
}
