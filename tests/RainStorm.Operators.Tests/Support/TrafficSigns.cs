using System.Text;

namespace RainStorm.Operators.Tests.Support;

/// <summary>The Champaign traffic-sign file from the repository's tests/data, read as RainStorm reads it: one tuple per line.</summary>
public static class TrafficSigns
{
    private static readonly Lazy<string[]> LazyLines = new(ReadLines);

    public static string Path => RainStorm.TestData.RepositoryData.TrafficSigns;

    /// <summary>The file's lines, split on LF; the first keeps its byte-order mark as U+FEFF, like a raw line reader.</summary>
    public static string[] Lines => LazyLines.Value;

    private static string[] ReadLines()
    {
        var text = new UTF8Encoding(false).GetString(File.ReadAllBytes(Path));
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
