using System.Text;

namespace RainStorm.Bench.Micro;

/// <summary>Lines of the repository's tests/data/Traffic_Signs.csv (the City of Champaign sign inventory).</summary>
public static class BenchData
{
    public static readonly Lazy<(string Source, string[] Lines)> Loaded = new(Load);

    public static string[] Lines => Loaded.Value.Lines;

    private static (string, string[]) Load()
    {
        var path = RainStorm.TestData.RepositoryData.TrafficSigns;
        var text = new UTF8Encoding(false).GetString(File.ReadAllBytes(path));
        return (path, text.TrimEnd('\n').Split('\n'));
    }
}
