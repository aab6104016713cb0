using System.Text;

namespace RainStorm.Operators.Tests.Support;

/// <summary>The Champaign traffic-sign file from ../shared/data, read as RainStorm reads it: one tuple per line.</summary>
public static class TrafficSigns
{
    private static readonly Lazy<string> LazyPath = new(Locate);
    private static readonly Lazy<string[]> LazyLines = new(ReadLines);

    public static string Path => LazyPath.Value;

    /// <summary>The file's lines, split on LF; the first keeps its byte-order mark as U+FEFF, like a raw line reader.</summary>
    public static string[] Lines => LazyLines.Value;

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", "Traffic_Signs.csv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/data/Traffic_Signs.csv not found in any directory above {AppContext.BaseDirectory}");
    }

    private static string[] ReadLines()
    {
        var text = new UTF8Encoding(false).GetString(File.ReadAllBytes(Path));
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
