namespace RainStorm.Operators;

/// <summary>Which built-in operator a mistyped name most likely meant: the same name in another case (<c>filter</c>),
/// or one at most two edits away (<c>Fliter</c>, <c>Transfrom</c>).</summary>
public static class BuiltInNames
{
    private const int MaxEdits = 2;

    /// <summary>The built-in <paramref name="name"/> was probably meant as, or null when it is not close to any.</summary>
    public static string? Suggest(string name)
    {
        if (OperatorFactory.IsBuiltIn(name)) return null;
        var sameLetters = OperatorFactory.BuiltIns.FirstOrDefault(b => string.Equals(b, name, StringComparison.OrdinalIgnoreCase));
        if (sameLetters is not null) return sameLetters;
        var lower = name.ToLowerInvariant();
        return OperatorFactory.BuiltIns
            .Select(b => (Name: b, Edits: Edits(b.ToLowerInvariant(), lower)))
            .Where(c => c.Edits <= MaxEdits && c.Edits < c.Name.Length / 2)
            .OrderBy(c => c.Edits)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>"op 'x' is not one of the built-ins Filter, Transform and AggregateByKey (did you mean Filter?)".</summary>
    public static string NotBuiltIn(string name)
    {
        var hint = Suggest(name) is { } meant ? $" (did you mean {meant}? names are case-sensitive)" : "";
        return $"op '{name}' is not one of the built-ins {OperatorFactory.BuiltIns[0]}, {OperatorFactory.BuiltIns[1]} and {OperatorFactory.BuiltIns[2]}{hint}";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Edits(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
