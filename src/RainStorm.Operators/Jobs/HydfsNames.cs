namespace RainStorm.Operators.Jobs;

/// <summary>Rules for a HyDFS file name given in a job line, so that no name can reach outside the data directory.</summary>
public static class HydfsNames
{
    public const int MaxLength = 255;

    /// <summary>What <paramref name="name"/> breaks, phrased as the expectation ("a relative name, ..."), or null when it is valid.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "a non-empty name";
        if (name.Length > MaxLength) return $"a name of at most {MaxLength} characters";
        if (name.Any(char.IsControl)) return "a name without control characters";
        if (name.Contains("..")) return "a name without '..'";
        if (name[0] is '/' or '\\' || (name.Length > 1 && name[1] == ':')) return "a relative name, not an absolute path";
        if (name.Contains('\\')) return "a name without backslashes";
        if (name.EndsWith('/') || name.Contains("//")) return "a name without empty path segments";
        return null;
    }
}
