using System.IO.Hashing;
using System.Text;

namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>A 64-bit hash that is the same in every process and on every run (unlike string.GetHashCode).</summary>
public static class StableHash
{
    public static long Of(string text) => (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
}
