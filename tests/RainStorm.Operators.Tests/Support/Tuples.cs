using RainStorm.Operators.Contract;

namespace RainStorm.Operators.Tests.Support;

public static class Tuples
{
    /// <summary>Source tuples as the runtime makes them: &lt;file:line, line&gt; (1-based line numbers).</summary>
    public static List<StreamTuple> FromLines(IEnumerable<string> lines, string file = "Traffic_Signs.csv") =>
        lines.Select((line, i) => new StreamTuple($"{file}:{i + 1}", line)).ToList();

    /// <summary>Runs the operator over the tuples in batches of the given size and returns all outputs.</summary>
    public static List<StreamTuple> Run(IOperator op, IReadOnlyList<StreamTuple> input, int batchSize = 500)
    {
        var outputs = new List<StreamTuple>();
        foreach (var batch in input.Chunk(batchSize)) op.Process(batch, outputs);
        return outputs;
    }

    /// <summary>The final running count per key from AggregateByKey's <c>key,count</c> outputs.</summary>
    public static Dictionary<string, long> LastCounts(IEnumerable<StreamTuple> outputs)
    {
        var last = new Dictionary<string, long>();
        foreach (var output in outputs)
        {
            var fields = ReferenceCsv.Fields(output.Value);
            Assert.Equal(2, fields.Count);
            Assert.Equal(output.Key, fields[0]);
            last[fields[0]] = long.Parse(fields[1]);
        }
        return last;
    }
}
