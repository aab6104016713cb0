namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Which key groups move when a partitioned stage changes width: as few as possible, balanced by the load each group
/// carries. Groups of tasks that leave go to the least-loaded remaining task (heaviest first); then, while some task
/// has a group lighter than its gap to the least loaded task, the heaviest such group of the most loaded such task
/// moves there. 3 → 4 tasks over equal groups moves a quarter of them, not half (g mod N would move most). Groups that
/// carried no load are not moved to balance (only when their task leaves): under a few hot keys shaving the last per
/// cent off the gap would otherwise move dozens of idle groups.
/// </summary>
public static class KeyGroupMover
{
    /// <summary>The new group → task table for <paramref name="width"/> tasks. <paramref name="weights"/>: the load of
    /// each group (all equal when null).</summary>
    public static int[] Rebalance(IReadOnlyList<int> table, int width, IReadOnlyList<long>? weights = null)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), "a stage has at least one task");
        var weight = (int g) => weights is null ? 1L : Math.Max(1, weights[g]);
        var result = table.ToArray();
        var worthMoving = (int g) => weights is null || weights[g] > 0;
        var load = new long[width];
        var owned = Enumerable.Range(0, width).Select(_ => new List<int>()).ToArray();
        var homeless = new List<int>();
        for (var g = 0; g < result.Length; g++)
        {
            if (result[g] < width)
            {
                load[result[g]] += weight(g);
                owned[result[g]].Add(g);
            }
            else homeless.Add(g);
        }
        foreach (var g in homeless.OrderByDescending(weight).ThenBy(g => g))
        {
            var task = LeastLoaded(load);
            Assign(g, task);
        }
        while (true)
        {
            var least = LeastLoaded(load);
            // From the most loaded task that has a group narrowing its gap to the least loaded one (a task holding one
            // hot group alone has none, and must not keep the others from giving to an empty task).
            var move = Enumerable.Range(0, width).OrderByDescending(t => load[t]).ThenBy(t => t)
                .Select(t => (Task: t, Group: owned[t].Where(g => weight(g) < load[t] - load[least] && worthMoving(g))
                    .OrderByDescending(weight).ThenBy(g => g).Cast<int?>().FirstOrDefault()))
                .FirstOrDefault(m => m.Group is not null);
            if (move.Group is not { } group) break; // each move lowers the sum of squared loads, so this ends
            owned[move.Task].Remove(group);
            load[move.Task] -= weight(group);
            Assign(group, least);
        }
        return result;

        void Assign(int g, int task)
        {
            result[g] = task;
            load[task] += weight(g);
            owned[task].Add(g);
        }
    }

    /// <summary>Groups whose task differs between two tables.</summary>
    public static IEnumerable<int> Moved(IReadOnlyList<int> before, IReadOnlyList<int> after) =>
        Enumerable.Range(0, before.Count).Where(g => before[g] != after[g]);

    private static int LeastLoaded(long[] load)
    {
        var best = 0;
        for (var t = 1; t < load.Length; t++)
            if (load[t] < load[best]) best = t;
        return best;
    }
}
