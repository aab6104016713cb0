using System.Text;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>An independent, deliberately simple RFC 4180 reader used to compute expected results.</summary>
public static class ReferenceCsv
{
    public static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var atFieldStart = true;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && atFieldStart) quoted = true; // RFC 4180: only a field's first character opens quotes
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); atFieldStart = true; continue; }
            else field.Append(c);
            atFieldStart = false;
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>The source file's lines as the source task reads them (line breaks and a trailing CR removed).</summary>
    public static IEnumerable<string> Lines(string path) =>
        File.ReadAllText(path, new UTF8Encoding(false)).Split('\n').Select(l => l.TrimEnd('\r')).Where((l, i) => l.Length > 0);

    /// <summary>Splits a <c>key,count</c> output line; the key may be CSV-quoted.</summary>
    public static (string Key, long Count) KeyCount(string line)
    {
        var comma = line.LastIndexOf(',');
        var key = line[..comma];
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') key = key[1..^1].Replace("\"\"", "\"");
        return (key, long.Parse(line[(comma + 1)..]));
    }

    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
