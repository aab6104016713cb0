namespace RainStorm.Operators.Jobs;

/// <summary>Rules for a HyDFS file name, so that no name can reach outside the data directory. HyDFS itself
/// (RainStorm.Actors' FileNames) and the job parser both apply them, so a job is refused when parsed, naming the
/// field, rather than failing later in HyDFS.</summary>
public static class HydfsNames
{
    public const int MaxLength = 255;

    /// <summary>The rule <paramref name="name"/> breaks, phrased as what a name must be ("relative, not an absolute
    /// path"), or null when the name is valid.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "non-empty";
        if (name.Length > MaxLength) return $"at most {MaxLength} characters long";
        if (name.Any(char.IsControl)) return "free of control characters";
        if (name.Contains("..")) return "free of '..'";
        if (name[0] is '/' or '\\' || (name.Length > 1 && name[1] == ':')) return "relative, not an absolute path";
        if (name.Contains('\\')) return "free of backslashes";
        if (name.EndsWith('/') || name.Contains("//")) return "free of empty path segments";
        if (name.Split('/').Contains(".")) return "free of '.' path segments";
        if (name.Trim() != name) return "free of leading and trailing white space";
        return null;
    }
}
