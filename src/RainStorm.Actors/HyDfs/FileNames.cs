using System.Security.Cryptography;
using System.Text;

namespace RainStorm.Actors.HyDfs;

/// <summary>
/// HyDFS names are user input: they are validated here and never used as paths. On disk a file is
/// stored under a hash of its name, so no name can reach outside the store directory.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 255;

    /// <summary>Null if the name is acceptable, else the reason it is not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "the file name is empty";
        if (name.Length > MaxLength) return $"the file name is longer than {MaxLength} characters";
        if (name.Any(char.IsControl)) return "the file name contains a control character";
        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length > 1 && name[1] == ':'))
            return "the file name is an absolute path";
        if (name.Split('/', '\\').Any(part => part is ".." or "." or ""))
            return "the file name has an empty, '.' or '..' path segment";
        if (name.Trim() != name) return "the file name starts or ends with white space";
        return null;
    }

    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem)
            throw new HyDfsException($"bad HyDFS file name '{Printable(name)}': {problem}.");
    }

    /// <summary>The stem of the data and metadata files of <paramref name="name"/>: 32 hex digits of SHA-256.</summary>
    public static string DiskKey(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static string Printable(string? name) =>
        name is null ? "" : new string(name.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
