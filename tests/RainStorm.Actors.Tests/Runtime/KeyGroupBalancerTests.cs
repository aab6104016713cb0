using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class KeyGroupBalancerTests
{
    [Fact]
    public void Heavy_groups_that_g_mod_n_puts_on_one_task_go_to_different_tasks()
    {
        var weights = new long[KeyGroups.Count];
        weights[3] = 5_000;
        weights[6] = 4_000;
        weights[9] = 3_000;
        weights[12] = 10;
        Assert.Equal([0, 0, 0], new[] { 3, 6, 9 }.Select(g => Placement.KeyGroupTable(3)[g]));

        var table = KeyGroupBalancer.Balance(weights, 3);

        Assert.Equal(3, new[] { 3, 6, 9 }.Select(g => table[g]).Distinct().Count());
        var load = Enumerable.Range(0, 3).Select(t => Enumerable.Range(0, KeyGroups.Count).Where(g => table[g] == t).Sum(g => weights[g])).ToList();
        Assert.Equal(5_000, load.Max());
    }

    [Fact]
    public void Every_group_gets_a_task_and_groups_the_sample_never_saw_spread_evenly()
    {
        var table = KeyGroupBalancer.Balance(new long[KeyGroups.Count], 3);

        Assert.All(table, t => Assert.InRange(t, 0, 2));
        var counts = Enumerable.Range(0, 3).Select(t => table.Count(x => x == t)).ToList();
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join("/", counts));
    }

    [Fact]
    public void The_same_weights_always_give_the_same_table()
    {
        var random = new Random(7);
        var weights = Enumerable.Range(0, KeyGroups.Count).Select(_ => (long)random.Next(0, 100)).ToArray();

        Assert.Equal(KeyGroupBalancer.Balance(weights, 4), KeyGroupBalancer.Balance(weights.ToArray(), 4));
    }

    [Fact]
    public void One_task_owns_every_group()
    {
        Assert.All(KeyGroupBalancer.Balance(Enumerable.Repeat(3L, KeyGroups.Count).ToArray(), 1), t => Assert.Equal(0, t));
    }
}
