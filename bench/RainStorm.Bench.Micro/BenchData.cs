using System.Text;

namespace RainStorm.Bench.Micro;

/// <summary>
/// Lines of ../shared/data/Traffic_Signs.csv (found by walking up from the binary), or, when that file is not
/// there, generated lines shaped like it (20 fields, quoted sizes with doubled quotes, some commas inside quotes).
/// </summary>
public static class BenchData
{
    public static readonly Lazy<(string Source, string[] Lines)> Loaded = new(Load);

    public static string[] Lines => Loaded.Value.Lines;

    private static (string, string[]) Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "data", "Traffic_Signs.csv");
            if (!File.Exists(path)) continue;
            var text = new UTF8Encoding(false).GetString(File.ReadAllBytes(path));
            return (path, text.TrimEnd('\n').Split('\n'));
        }
        return ("generated", Generate(15_570));
    }

    private static string[] Generate(int count)
    {
        var random = new Random(42);
        string[] categories = ["Streetname", "Regulatory", "Warning", "Parking", "School", "Guide", "MTD", "Custom", "Object Marker"];
        string[] posts = ["Punched Telespar", "Traffic Signal Mast Arm", "Wood", "U-Channel"];
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            var size = $"\"{random.Next(6, 48)}\"\" X {random.Next(6, 48)}\"\"\"";
            var notes = random.Next(100) == 0 ? "\"corner of A, B\"" : " ";
            lines[i] = $"-98{random.Next(100000, 999999)}.{random.Next(10000000)},48{random.Next(100000, 999999)}.{random.Next(10000000)}," +
                       $"{i + 1},Sign Type {random.Next(300)},{size}, ,{posts[random.Next(posts.Length)]},{2000 + random.Next(20)}," +
                       $"{categories[random.Next(categories.Length)]},{notes},R{random.Next(1, 12)}-{random.Next(1, 9)},Champaign,{i + 1},,AERIAL," +
                       $"{(char)('A' + random.Next(6))},Some St,{i + 1},,{{{Guid.NewGuid().ToString().ToUpperInvariant()}}}";
        }
        return lines;
    }
}
