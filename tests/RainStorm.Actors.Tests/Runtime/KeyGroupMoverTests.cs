using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>The fewest key groups move when a partitioned stage changes width, and the tasks end up balanced.</summary>
public sealed class KeyGroupMoverTests
{
    private static int[] ModTable(int tasks) => Enumerable.Range(0, KeyGroups.Count).Select(g => g % tasks).ToArray();

    [Fact]
    public void Three_to_four_tasks_moves_about_a_quarter_of_the_groups_and_balances_them()
    {
        var before = ModTable(3);
        var after = KeyGroupMover.Rebalance(before, 4);

        var moved = KeyGroupMover.Moved(before, after).ToList();
        Assert.Equal(KeyGroups.Count / 4, moved.Count);
        Assert.All(moved, g => Assert.Equal(3, after[g])); // only the new task receives groups
        var perTask = Enumerable.Range(0, 4).Select(t => after.Count(x => x == t)).ToArray();
        Assert.True(perTask.Max() - perTask.Min() <= 1, string.Join("/", perTask));
    }

    [Fact]
    public void Shrinking_moves_only_the_groups_of_the_tasks_that_leave()
    {
        var before = ModTable(4);
        var after = KeyGroupMover.Rebalance(before, 3);

        var moved = KeyGroupMover.Moved(before, after).ToList();
        Assert.Equal(before.Count(t => t == 3), moved.Count);
        Assert.All(moved, g => Assert.Equal(3, before[g]));
        Assert.All(after, t => Assert.InRange(t, 0, 2));
        var perTask = Enumerable.Range(0, 3).Select(t => after.Count(x => x == t)).ToArray();
        Assert.True(perTask.Max() - perTask.Min() <= 1, string.Join("/", perTask));
    }

    [Fact]
    public void A_heavy_group_is_balanced_by_load_not_by_count()
    {
        var weights = new long[KeyGroups.Count];
        Array.Fill(weights, 1);
        weights[0] = 200; // one hot key group
        var before = new int[KeyGroups.Count]; // one task owns everything

        var after = KeyGroupMover.Rebalance(before, 2, weights);

        var load = new long[2];
        for (var g = 0; g < after.Length; g++) load[after[g]] += weights[g];
        // 200 vs 127 is the best split there is, and moving the hot group alone reaches it in one move.
        Assert.Equal(new long[] { 127, 200 }, load);
        Assert.Single(KeyGroupMover.Moved(before, after));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void Under_a_few_hot_keys_only_the_hot_groups_and_those_of_leaving_tasks_move(int width)
    {
        // App 1's shape: a dozen keys carry the load, every other group is idle (its measured load 0, counted as 1).
        var weights = new long[KeyGroups.Count];
        var hot = Enumerable.Range(0, 12).Select(i => i * 10 + 3).ToArray();
        foreach (var g in hot) weights[g] = 1_000 + 37 * g;
        var before = ModTable(3);

        var after = KeyGroupMover.Rebalance(before, width, weights);

        var moved = KeyGroupMover.Moved(before, after).ToList();
        var mustMove = Enumerable.Range(0, before.Length).Where(g => before[g] >= width).ToList();
        Assert.All(moved.Except(mustMove), g => Assert.Contains(g, hot));
        Assert.Subset(moved.ToHashSet(), mustMove.ToHashSet());
        var load = new long[width];
        for (var g = 0; g < after.Length; g++) load[after[g]] += Math.Max(1, weights[g]);
        // Balanced as well as whole hot groups allow: no task carries more than the mean plus the hottest group.
        Assert.True(load.Max() <= load.Sum() / width + weights.Max(), string.Join("/", load));
    }

    [Fact]
    public void A_task_holding_one_hot_group_alone_does_not_keep_the_others_from_filling_new_tasks()
    {
        // Task 0 owns only the hottest group; tasks 1 and 2 share the rest. Growing to 6, the new tasks get groups
        // from tasks 1 and 2 even though the most loaded task (0) can give nothing.
        var weights = new long[KeyGroups.Count];
        Array.Fill(weights, 10);
        weights[0] = 5_000;
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g == 0 ? 0 : 1 + g % 2).ToArray();

        var after = KeyGroupMover.Rebalance(before, 6, weights);

        Assert.Equal(0, after[0]);
        Assert.All(Enumerable.Range(3, 3), t => Assert.Contains(t, after));
        var perTask = Enumerable.Range(1, 5).Select(t => after.Where((owner, g) => owner == t).Sum(g => 10)).ToArray();
        Assert.True(perTask.Max() - perTask.Min() <= 10, string.Join("/", perTask));
    }

    [Fact]
    public void The_same_width_moves_nothing_and_one_task_takes_everything()
    {
        var before = ModTable(3);
        Assert.Empty(KeyGroupMover.Moved(before, KeyGroupMover.Rebalance(before, 3)));
        Assert.All(KeyGroupMover.Rebalance(before, 1), t => Assert.Equal(0, t));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroupMover.Rebalance(before, 0));
    }
}
