using RainStorm.Integration.Tests.Runtime;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Integration.Tests.ExactlyOnce;

/// <summary>The independent expectations of the exactly-once acceptance jobs and the recovery report they print.</summary>
public static class ExactlyOnceChecks
{
    public const string App1Pattern = "Punched Telespar";

    /// <summary>App 1's expected final count per category, computed by <see cref="ReferenceCsv"/>.</summary>
    public static Dictionary<string, long> App1Expected(string source) =>
        ReferenceCsv.Lines(source).Where(l => l.Contains(App1Pattern, StringComparison.Ordinal))
            .Select(ReferenceCsv.Fields).Where(f => f.Count > 8)
            .GroupBy(f => f[8]).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>Per key the counts in the output are exactly 1..n, each once, and n is the independent count.</summary>
    public static void AssertApp1Exact(IReadOnlyList<string> lines, Dictionary<string, long> expected)
    {
        var perKey = lines.Select(ReferenceCsv.KeyCount).GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Select(o => o.Count).ToList());
        var missingKeys = expected.Keys.Except(perKey.Keys).Order().ToList();
        var extraKeys = perKey.Keys.Except(expected.Keys).Order().ToList();
        if (missingKeys.Count + extraKeys.Count > 0)
            Assert.Fail($"keys missing from the output: [{string.Join(", ", missingKeys.Select(k => $"'{k}' (n = {expected[k]})"))}]; " +
                        $"keys not expected: [{string.Join(", ", extraKeys.Select(k => $"'{k}' ({perKey[k].Count} lines)"))}]");
        foreach (var (key, counts) in perKey)
        {
            var want = Enumerable.Range(1, (int)expected[key]).Select(i => (long)i).ToList();
            if (want.SequenceEqual(counts.Order())) continue;
            var twice = counts.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();
            var missing = want.Except(counts).ToList();
            var beyond = counts.Where(c => c > expected[key]).Distinct().Order().ToList();
            Assert.Fail($"key '{key}': expected counts 1..{expected[key]} once each; {counts.Count} lines, " +
                        $"twice: [{string.Join(",", twice.Take(20))}]{(twice.Count > 20 ? $" (+{twice.Count - 20})" : "")}, " +
                        $"missing: [{string.Join(",", missing.Take(20))}]{(missing.Count > 20 ? $" (+{missing.Count - 20})" : "")}, " +
                        $"beyond n: [{string.Join(",", beyond.Take(20))}]");
        }
    }

    /// <summary>App 2's expected output lines (a multiset), sorted.</summary>
    public static List<string> App2Expected(string source) =>
        ReferenceCsv.Lines(source).Where(l => l.Contains("Warning", StringComparison.Ordinal))
            .Select(l => string.Join(',', ReferenceCsv.Fields(l).Take(3).Select(ReferenceCsv.Quote))).Order(StringComparer.Ordinal).ToList();

    public static string Describe(RecoveryInfo r) =>
        $"{r.Task}: {r.OldNode} -> {r.NewNode}, restarted after {Ms(r.Restarted)}, first output after {Ms(r.FirstOutput)}, " +
        $"replayed {r.ReplayedEvents} events in {r.ReplayDuration.TotalMilliseconds:0} ms ({r.Reason})";

    private static string Ms(TimeSpan? t) => t is { } v ? $"{v.TotalMilliseconds:0} ms" : "-";
}
