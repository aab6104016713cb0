using CsCheck;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Csv;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.BuiltIn;

public sealed class AggregateByKeyTests
{
    private static readonly Gen<List<StreamTuple>> Records =
        Gen.Select(Gen.String[Gen.Char["ab,\""], 0, 3], Gen.Int[0, 2], (key, extra) => CsvWriter.Join(["x", key, .. Enumerable.Repeat("y", extra)]))
            .Array[0, 200]
            .Select(lines => Tuples.FromLines(lines));

    [Fact]
    public void Emits_the_running_count_after_every_input_and_quotes_keys_that_need_it()
    {
        var aggregate = new AggregateByKey(1);
        var outputs = Tuples.Run(aggregate, Tuples.FromLines(["1,a", "2,\"b,c\"", "3,a", "4,\"say \"\"hi\"\"\"", "5,a"]));
        Assert.Equal(
            [new("a", "a,1"), new("b,c", "\"b,c\",1"), new("a", "a,2"), new("say \"hi\"", "\"say \"\"hi\"\"\",1"), new("a", "a,3")],
            outputs);
    }

    [Fact]
    public void Records_with_too_few_fields_are_counted_as_malformed_without_output()
    {
        var aggregate = new AggregateByKey(2);
        var outputs = Tuples.Run(aggregate, Tuples.FromLines(["a,b,c", "only,two", "", "x,y,c"]));
        Assert.Equal(["c,1", "c,2"], outputs.Select(o => o.Value));
        Assert.Equal(2, aggregate.MalformedCount);
        Assert.Equal("in:2", aggregate.PartitionKey(new("in:2", "only,two")));
    }

    [Fact]
    public void Counts_equal_a_reference_count_for_any_records()
    {
        Records.Sample(input =>
        {
            var aggregate = new AggregateByKey(1);
            var outputs = Tuples.Run(aggregate, input, batchSize: 7);
            var expected = input.GroupBy(t => ReferenceCsv.Fields(t.Value)[1]).ToDictionary(g => g.Key, g => (long)g.Count());
            Assert.Equal(expected, Tuples.LastCounts(outputs));
            Assert.Equal(input.Count, outputs.Count);
        }, iter: 500);
    }

    [Fact]
    public void Snapshot_split_by_key_group_restores_into_tasks_that_continue_the_counts()
    {
        var input = Tuples.FromLines(TrafficSigns.Lines);
        var whole = new AggregateByKey(8);
        Tuples.Run(whole, input);

        // Move the state into two tasks by key group, as rescaling does, then keep counting on both.
        var evenGroups = Enumerable.Range(0, KeyGroups.Count).Where(g => g % 2 == 0).ToHashSet();
        var oddGroups = Enumerable.Range(0, KeyGroups.Count).Where(g => g % 2 == 1).ToHashSet();
        var even = new AggregateByKey(8);
        even.Restore(whole.Snapshot(evenGroups));
        var odd = new AggregateByKey(8);
        odd.Restore(whole.Snapshot(oddGroups));
        Assert.Equal(whole.KeyCount, even.KeyCount + odd.KeyCount);
        Assert.True(even.KeyCount > 0 && odd.KeyCount > 0);

        var more = Tuples.FromLines(TrafficSigns.Lines.Skip(1).Take(2000), "again");
        var reference = new AggregateByKey(8);
        reference.Restore(whole.Snapshot());
        var expected = Tuples.LastCounts(Tuples.Run(reference, more));
        var split = Tuples.LastCounts(Tuples.Run(even, more.Where(t => evenGroups.Contains(KeyGroups.Of(even.PartitionKey(t)))).ToList())
            .Concat(Tuples.Run(odd, more.Where(t => oddGroups.Contains(KeyGroups.Of(odd.PartitionKey(t)))).ToList())));
        Assert.Equal(expected, split);

        // The source task drops the groups it handed over.
        whole.Remove(evenGroups);
        Assert.Equal(odd.KeyCount, whole.KeyCount);
    }

    [Fact]
    public void Restore_replaces_the_state_of_the_restored_groups_only()
    {
        var a = new AggregateByKey(0);
        Tuples.Run(a, Tuples.FromLines(["k1", "k1", "k2"]));
        var snapshot = a.Snapshot();
        Tuples.Run(a, Tuples.FromLines(["k1", "k2", "k2"]));
        var groupOfK1 = KeyGroups.Of("k1");
        a.Restore(new Dictionary<int, byte[]> { [groupOfK1] = snapshot[groupOfK1] });
        Assert.Equal(2, a.CountOf("k1"));
        Assert.Equal(KeyGroups.Of("k2") == groupOfK1 ? 1 : 3, a.CountOf("k2"));
    }

    [Fact]
    public void Replaying_deltas_rebuilds_the_state_and_replay_twice_changes_nothing()
    {
        Records.Sample(input =>
        {
            var live = new AggregateByKey(1);
            var deltas = new List<byte[]>();
            foreach (var batch in input.Chunk(13))
            {
                live.Process(batch, []);
                if (live.TakeDelta() is { } delta) deltas.Add(delta);
            }
            Assert.Null(live.TakeDelta());

            var recovered = new AggregateByKey(1);
            foreach (var delta in deltas.Concat(deltas)) recovered.ApplyDelta(delta);
            Assert.Equal(Counts(live), Counts(recovered));
        }, iter: 300);
    }

    [Fact]
    public void Corrupt_state_is_a_clear_operator_exception()
    {
        var a = new AggregateByKey(0);
        var e = Assert.Throws<OperatorException>(() => a.ApplyDelta([1, 5, 200]));
        Assert.Equal("AggregateByKey state of 3 bytes is truncated or corrupt; expected the output of Snapshot or TakeDelta.", e.Message);
        e = Assert.Throws<OperatorException>(() => a.Restore(new Dictionary<int, byte[]> { [0] = [9] }));
        Assert.Equal("AggregateByKey state has format version 9; expected version 1.", e.Message);
    }

    private static Dictionary<string, long> Counts(AggregateByKey aggregate) => aggregate.Counts.ToDictionary();
}
