using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Csv;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.BuiltIn;

/// <summary>Issue 2's acceptance checks on tests/data/Traffic_Signs.csv, each against an independent computation.</summary>
public sealed class TrafficSignAcceptanceTests
{
    private const string Pattern = "Punched Telespar";

    [Fact]
    public void Filter_keeps_exactly_the_lines_a_plain_substring_search_keeps()
    {
        var input = Tuples.FromLines(TrafficSigns.Lines);
        var outputs = Tuples.Run(new Filter(Pattern), input);

        var expected = input.Where(t => t.Value.Contains(Pattern)).ToList();
        Assert.Equal(expected, outputs);
        Assert.Equal(8155, outputs.Count); // grep -c 'Punched Telespar'
    }

    [Theory]
    [InlineData("0-2", new[] { 0, 1, 2 }, "X,Y,OBJECTID")]
    [InlineData("0,3,8", new[] { 0, 3, 8 }, "X,Sign_Type,Category")]
    public void Transform_equals_an_independent_csv_reading(string spec, int[] columns, string header)
    {
        var input = Tuples.FromLines(TrafficSigns.Lines);
        var transform = new Transform(spec);
        var outputs = Tuples.Run(transform, input);

        var expected = new List<(string Key, List<string> Fields)>();
        var tooShort = 0;
        foreach (var tuple in input)
        {
            var fields = ReferenceCsv.Fields(tuple.Value);
            if (fields.Count <= columns.Max()) tooShort++;
            else expected.Add((tuple.Key, columns.Select(c => fields[c]).ToList()));
        }
        Assert.Equal(expected.Count, outputs.Count);
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.Equal(expected[i].Key, outputs[i].Key);
            Assert.Equal(expected[i].Fields, ReferenceCsv.Fields(outputs[i].Value));
        }
        Assert.Equal(tooShort, transform.MalformedCount);
        Assert.Equal(header, outputs[0].Value);
        Assert.Contains(outputs, o => o.Value.Contains("\"\"")); // sizes like 30" X 30" are re-quoted
    }

    [Fact]
    public void Filter_then_AggregateByKey_8_ends_with_the_count_by_category()
    {
        var input = Tuples.FromLines(TrafficSigns.Lines);
        var filtered = Tuples.Run(new Filter(Pattern), input);
        var aggregate = new AggregateByKey(8);
        var outputs = Tuples.Run(aggregate, filtered);

        // Figures from python's csv module, reading each line containing the pattern as one record:
        //   lines = open(f, encoding='utf-8').read().split('\n')[:-1]
        //   Counter(next(csv.reader([l]))[8] for l in lines if 'Punched Telespar' in l)
        // '13735' and '13776' are continuation lines of two records with a newline inside quotes (tuples are lines);
        // read as whole records, those two are 'Parking' (2012 in all).
        var stated = new Dictionary<string, long>
        {
            [" "] = 3, ["13735"] = 1, ["13776"] = 1, ["Custom"] = 145, ["Guide"] = 54, ["MTD"] = 110,
            ["Object Marker"] = 104, ["Parking"] = 2010, ["Regulatory"] = 2331, ["School"] = 261,
            ["Streetname"] = 2798, ["Warning"] = 337,
        };
        var independent = filtered
            .Select(t => ReferenceCsv.Fields(t.Value))
            .Where(f => f.Count > 8)
            .GroupBy(f => f[8])
            .ToDictionary(g => g.Key, g => (long)g.Count());

        Assert.Equal(stated, independent);
        Assert.Equal(stated, Tuples.LastCounts(outputs));
        Assert.Equal(filtered.Count, outputs.Count); // one running count per input
        Assert.Equal(0, aggregate.MalformedCount);
        foreach (var (key, count) in stated) Assert.Equal(count, aggregate.CountOf(key));
    }

    [Fact]
    public void AggregateByKey_partition_key_is_the_aggregated_field()
    {
        var aggregate = new AggregateByKey(8);
        var line = TrafficSigns.Lines[3];
        Assert.Equal("Warning", ((Contract.IOperator)aggregate).PartitionKey(new("f:4", line)));
        Assert.Equal(CsvLine.Split(line)[8], aggregate.PartitionKey(new("f:4", line)));
    }
}
