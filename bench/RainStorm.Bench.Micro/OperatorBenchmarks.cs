using BenchmarkDotNet.Attributes;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Csv;

namespace RainStorm.Bench.Micro;

/// <summary>
/// The CSV reader and each built-in operator over every line of the traffic-sign file, in batches of
/// <see cref="BatchSize"/> tuples as a task would call them. Each operation is one line.
/// </summary>
[MemoryDiagnoser]
public class OperatorBenchmarks
{
    private const int BatchSize = 1000;
    private const int LinesPerInvoke = 15_570;

    private string[] _lines = [];
    private StreamTuple[][] _batches = [];
    private readonly List<StreamTuple> _outputs = new(BatchSize);
    private readonly List<StreamTuple> _filtered = new(BatchSize);
    private Filter _filter = null!;
    private Transform _transform = null!;
    private AggregateByKey _aggregate = null!;

    [GlobalSetup]
    public void Setup()
    {
        var lines = BenchData.Lines;
        // Exactly LinesPerInvoke lines (the file has that many), so that OperationsPerInvoke is right.
        _lines = Enumerable.Range(0, LinesPerInvoke).Select(i => lines[i % lines.Length]).ToArray();
        _batches = _lines.Select((l, i) => new StreamTuple($"Traffic_Signs.csv:{i + 1}", l)).Chunk(BatchSize).ToArray();
        _filter = new Filter("Punched Telespar");
        _transform = new Transform("0,3,8");
        _aggregate = new AggregateByKey(8);
        Console.WriteLine($"// lines from {BenchData.Loaded.Value.Source}");
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "CSV: read all fields")]
    public long CsvAllFields()
    {
        long total = 0;
        Span<char> scratch = stackalloc char[4096];
        foreach (var line in _lines)
            foreach (var field in CsvLine.Fields(line))
                total += field.MaxLength <= scratch.Length ? field.GetValue(scratch).Length : 0;
        return total;
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "CSV: field 8")]
    public long CsvField8()
    {
        long total = 0;
        foreach (var line in _lines)
            if (CsvLine.TryGetField(line, 8, out var field)) total += field.MaxLength;
        return total;
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "Filter \"Punched Telespar\"")]
    public int Filter() => Run(_filter);

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "Transform 0,3,8")]
    public int Transform() => Run(_transform);

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "AggregateByKey 8")]
    public int AggregateByKey() => Run(_aggregate);

    /// <summary>The reference loop of docs/architecture.md §7 ("read + filter + split + count") done with the operators: per input line.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "Filter then AggregateByKey 8")]
    public int FilterThenAggregate()
    {
        var produced = 0;
        foreach (var batch in _batches)
        {
            _filtered.Clear();
            _filter.Process(batch, _filtered);
            _outputs.Clear();
            _aggregate.Process(_filtered, _outputs);
            produced += _outputs.Count;
        }
        return produced;
    }

    private int Run(IOperator op)
    {
        var produced = 0;
        foreach (var batch in _batches)
        {
            _outputs.Clear();
            op.Process(batch, _outputs);
            produced += _outputs.Count;
        }
        return produced;
    }
}
