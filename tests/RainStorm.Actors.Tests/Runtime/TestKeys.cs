using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>Keys picked by the key group they fall in, for tests that route by key groups.</summary>
public static class TestKeys
{
    /// <summary>A key whose key group satisfies <paramref name="wanted"/>, in another group than each of <paramref name="not"/>.</summary>
    public static string Where(Func<int, bool> wanted, params string[] not) => Enumerable.Range(0, 10_000).Select(i => $"k{i}")
        .First(k => wanted(KeyGroups.Of(k)) && not.All(n => KeyGroups.Of(n) != KeyGroups.Of(k)));
}
