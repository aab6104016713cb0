namespace RainStorm.Operators.BuiltIn;

/// <summary>
/// A 0-based column selection: <c>0-2</c> (inclusive range), <c>0,3,8</c>, or a mix such as <c>0-2,8</c>; columns
/// come out in the order written. Anything that is not such a spec means the first three columns (docs/architecture.md §2).
/// </summary>
public static class ColumnSpec
{
    /// <summary>Upper bound for a column number, so a typo cannot ask for a billion-entry selection.</summary>
    public const int MaxColumn = 9999;

    public static readonly IReadOnlyList<int> Default = [0, 1, 2];

    public static IReadOnlyList<int> ParseOrDefault(string? arg) => TryParse(arg, out var columns) ? columns : Default;

    public static bool TryParse(string? arg, out IReadOnlyList<int> columns)
    {
        columns = Default;
        if (string.IsNullOrWhiteSpace(arg)) return false;
        var result = new List<int>();
        foreach (var part in arg.Split(','))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!TryColumn(part, out var column)) return false;
                result.Add(column);
                continue;
            }
            if (!TryColumn(part[..dash], out var from) || !TryColumn(part[(dash + 1)..], out var to) || from > to) return false;
            for (var c = from; c <= to; c++) result.Add(c);
        }
        columns = result;
        return true;
    }

    private static bool TryColumn(string text, out int column)
    {
        column = -1;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed.Length > 4) return false;
        foreach (var c in trimmed)
            if (c is < '0' or > '9') return false;
        column = int.Parse(trimmed);
        return column <= MaxColumn;
    }
}
