using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>The measured per-group load a rescale balances by.</summary>
public sealed class KeyGroupLoadTests
{
    private static long[] Report(Func<int, long> perGroup) => Enumerable.Range(0, KeyGroups.Count).Select(perGroup).ToArray();

    [Fact]
    public void Nothing_measured_gives_no_weights_so_every_group_counts_the_same()
    {
        var load = new KeyGroupLoad();
        Assert.Null(load.Weights(2));
        load.Observe(2, new long[KeyGroups.Count]);
        Assert.Null(load.Weights(2));
        load.Observe(2, [1, 2, 3]); // not a report of this many key groups: ignored
        Assert.Null(load.Weights(2));
    }

    [Fact]
    public void Reports_of_the_tasks_in_front_add_up_per_stage_and_old_ones_fade()
    {
        var load = new KeyGroupLoad();
        load.Observe(2, Report(g => g == 5 ? 1000 : 10));
        load.Observe(2, Report(g => g == 5 ? 1000 : 10));
        load.Observe(3, Report(_ => 7));

        var stage2 = load.Weights(2)!;
        Assert.InRange(stage2[5], 1900, 2000);  // two reports, the older one slightly faded
        Assert.InRange(stage2[6], 19, 20);
        Assert.Equal(7, load.Weights(3)![0]);

        // The hot group cools down: after many reports without it, what it had weighs little.
        for (var i = 0; i < 10 * KeyGroupLoad.HalfLife; i++) load.Observe(2, Report(_ => 10));
        stage2 = load.Weights(2)!;
        Assert.True(stage2[5] < stage2[6] * 1.01 + 2, $"{stage2[5]} vs {stage2[6]}");
    }

    [Fact]
    public void A_rescale_by_measured_load_splits_a_hot_group_from_the_rest_where_counting_groups_would_not()
    {
        var load = new KeyGroupLoad();
        var hot = new HashSet<int> { 0, 2, 4, 6 }; // all owned by task 0 of 2 (g mod 2)
        load.Observe(1, Report(g => hot.Contains(g) ? 5000 : 10));
        var weights = load.Weights(1)!;
        var before = Enumerable.Range(0, KeyGroups.Count).Select(g => g % 2).ToArray();

        var byLoad = KeyGroupMover.Rebalance(before, 3, weights);
        var byCount = KeyGroupMover.Rebalance(before, 3);

        Assert.True(Imbalance(byLoad, weights, 3) < 1.5, $"by load: max/mean {Imbalance(byLoad, weights, 3):0.00}");
        Assert.True(Imbalance(byCount, weights, 3) > 1.5, $"by count: max/mean {Imbalance(byCount, weights, 3):0.00}");
    }

    private static double Imbalance(int[] table, long[] weights, int tasks)
    {
        var perTask = new double[tasks];
        for (var g = 0; g < table.Length; g++) perTask[table[g]] += weights[g];
        return perTask.Max() / perTask.Average();
    }
}
