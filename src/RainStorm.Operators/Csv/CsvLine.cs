namespace RainStorm.Operators.Csv;

/// <summary>Reading fields of one CSV line (see <see cref="CsvFieldEnumerator"/> for the rules).</summary>
public static class CsvLine
{
    public static CsvFieldEnumerator Fields(ReadOnlySpan<char> line) => new(line);

    /// <summary>Finds the field at a 0-based index without allocating; false when the line has fewer fields.</summary>
    public static bool TryGetField(ReadOnlySpan<char> line, int index, out CsvField field)
    {
        var start = index < 0 ? -1 : FieldSeeker.StartOf(line, index);
        if (start < 0)
        {
            field = default;
            return false;
        }
        var fields = new CsvFieldEnumerator(line, start);
        fields.MoveNext();
        field = fields.Current;
        return true;
    }

    /// <summary>Finds where fields 0 to <c>starts.Length - 1</c> begin, in one vectorised pass without allocating;
    /// returns how many of them the line has (only those are set). Read a field with <see cref="FieldStartingAt"/>.</summary>
    public static int FieldStarts(ReadOnlySpan<char> line, Span<int> starts) => FieldSeeker.StartsOf(line, starts);

    /// <summary>The field that begins at <paramref name="start"/>, a position from <see cref="FieldStarts"/>.</summary>
    public static CsvField FieldStartingAt(ReadOnlySpan<char> line, int start)
    {
        var fields = new CsvFieldEnumerator(line, start);
        fields.MoveNext();
        return fields.Current;
    }

    public static int CountFields(ReadOnlySpan<char> line)
    {
        var count = 0;
        foreach (var _ in Fields(line)) count++;
        return count;
    }

    /// <summary>All fields as strings (allocates; for tools and tests, not the hot path).</summary>
    public static List<string> Split(ReadOnlySpan<char> line)
    {
        var result = new List<string>();
        foreach (var field in Fields(line)) result.Add(field.ToString());
        return result;
    }
}
