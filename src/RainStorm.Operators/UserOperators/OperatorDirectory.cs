namespace RainStorm.Operators.UserOperators;

/// <summary>
/// Resolves user operator names to executables inside the configured operator directory, and nowhere else:
/// a name is a plain file name (no path separator, no <c>..</c>, no control characters).
/// </summary>
public static class OperatorDirectory
{
    public const int MaxNameLength = 128;

    /// <summary>Why <paramref name="name"/> cannot be an operator name, or null when it is a safe plain file name.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name.Length > MaxNameLength) return $"it is longer than {MaxNameLength} characters";
        if (name.Contains('/') || name.Contains('\\')) return "it contains a path separator";
        if (name.Contains("..")) return "it contains '..'";
        if (name.Any(char.IsControl)) return "it contains a control character";
        if (name[0] is '-' or '.') return "it starts with '-' or '.'";
        if (name.Any(char.IsWhiteSpace)) return "it contains white space";
        return null;
    }

    /// <summary>The full path of the operator's executable; throws <see cref="OperatorException"/> when the name is
    /// unsafe, or the file is missing from the directory or not executable.</summary>
    public static string Resolve(string name, string operatorDirectory)
    {
        if (NameProblem(name) is { } problem)
            throw new OperatorException($"User operator name '{Printable(name)}' is refused because {problem}; expected a plain file name inside the operator directory.");
        if (string.IsNullOrWhiteSpace(operatorDirectory) || !Directory.Exists(operatorDirectory))
            throw new OperatorException($"{BuiltInNames.NotBuiltIn(name)}, and no user operator can be found because the operator directory '{operatorDirectory}' does not exist; expected a configured directory of operator executables.");
        var directory = Path.GetFullPath(operatorDirectory);
        var path = Path.GetFullPath(Path.Combine(directory, name));
        if (Path.GetDirectoryName(path) != Path.TrimEndingDirectorySeparator(directory))
            throw new OperatorException($"User operator name '{name}' resolves outside the operator directory '{directory}'; expected a file directly inside it.");
        if (!File.Exists(path))
            throw new OperatorException($"{BuiltInNames.NotBuiltIn(name)}, nor a user operator in the operator directory '{directory}'; expected a built-in or an executable file there.");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            throw new OperatorException($"User operator '{name}' in '{directory}' is not executable; expected a file with an execute permission (chmod +x).");
        return path;
    }

    internal static string Printable(string text)
    {
        var shown = new string(text.Select(c => char.IsControl(c) ? '?' : c).Take(MaxNameLength).ToArray());
        return text.Length > MaxNameLength ? shown + "..." : shown;
    }
}
