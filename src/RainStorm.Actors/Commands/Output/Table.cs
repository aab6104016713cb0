using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RainStorm.Actors.Commands.Output;

/// <summary>A column: its table header and its key in <c>-o json</c> (lower case, as scripts expect).</summary>
public sealed record Column(string Header, string Key);

/// <summary>
/// Rows rendered either as an aligned text table or as a JSON array of objects keyed by column.
/// Values keep their type in JSON (numbers, arrays); text rendering joins lists with commas.
/// </summary>
public sealed class Table(params Column[] columns)
{
    private readonly List<object?[]> _rows = [];

    public IReadOnlyList<Column> Columns => columns;
    public int Count => _rows.Count;

    public Table Add(params object?[] values)
    {
        if (values.Length != columns.Length)
            throw new ArgumentException($"a row needs {columns.Length} values, got {values.Length}.");
        _rows.Add(values);
        return this;
    }

    public IReadOnlyList<string> ToLines()
    {
        var cells = _rows.Select(r => r.Select(Text).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> row) => string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd();
        return [Line(columns.Select(c => c.Header).ToList()), .. cells.Select(Line)];
    }

    public JsonArray ToJson() => new(_rows.Select(r => (JsonNode)Row(r)).ToArray());

    public string ToJsonText() => ToJson().ToJsonString();

    private JsonObject Row(object?[] values)
    {
        var obj = new JsonObject();
        for (var i = 0; i < columns.Length; i++) obj[columns[i].Key] = JsonValueOf(values[i]);
        return obj;
    }

    public static JsonNode? JsonValueOf(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        string s => JsonValue.Create(s),
        TimeSpan t => JsonValue.Create(Math.Round(t.TotalSeconds, 3)),
        IEnumerable<string> list => new JsonArray(list.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        _ => JsonSerializer.SerializeToNode(value),
    };

    public static string Text(object? value) => value switch
    {
        null => "-",
        string s => s,
        double d => d.ToString("0.0", CultureInfo.InvariantCulture),
        TimeSpan t => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss\.f", CultureInfo.InvariantCulture),
        IEnumerable<string> list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
