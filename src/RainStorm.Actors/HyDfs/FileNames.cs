using System.Security.Cryptography;
using System.Text;

namespace RainStorm.Actors.HyDfs;

/// <summary>
/// HyDFS names are user input: they are validated here and never used as paths. On disk a file is
/// stored under a hash of its name, so no name can reach outside the store directory.
/// </summary>
public static class FileNames
{
    public const int MaxLength = RainStorm.Operators.Jobs.HydfsNames.MaxLength;

    /// <summary>Null if the name is acceptable, else the reason it is not (the job parser's rules, so the two agree).</summary>
    public static string? Problem(string? name) =>
        RainStorm.Operators.Jobs.HydfsNames.Problem(name ?? "") is { } rule ? $"a name must be {rule}" : null;

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
