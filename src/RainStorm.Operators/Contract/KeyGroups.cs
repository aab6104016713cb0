
namespace RainStorm.Operators.Contract;

/// <summary>
/// Partition keys hash to one of <see cref="Count"/> key groups; the leader assigns groups to tasks.
/// The hash is stable across processes and runs (string.GetHashCode is not).
/// </summary>
public static class KeyGroups
{
    public const int Count = 128;

    public static int Of(string key)
    {
        // FNV-1a over UTF-16 code units: stable, allocation-free, good enough spread for 128 groups.
        uint hash = 2166136261;
        foreach (var c in key)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }
        return (int)(hash % Count);
    }
}
