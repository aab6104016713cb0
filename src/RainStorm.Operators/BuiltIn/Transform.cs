using RainStorm.Operators.Contract;
using RainStorm.Operators.Csv;

namespace RainStorm.Operators.BuiltIn;

/// <summary>
/// <c>Transform spec</c>: outputs the selected CSV fields of the line (see <see cref="ColumnSpec"/>), re-quoted where
/// needed, under the input tuple's key. A record with too few fields gives no output and counts as malformed.
/// </summary>
public sealed class Transform : IOperator
{
    private readonly int[] _columns;
    private readonly Range[] _ranges;
    private readonly bool[] _verbatim;
    private char[] _output = new char[256];
    private char[] _scratch = new char[256];
    private long _malformed;

    public Transform(string arg)
    {
        _columns = [.. ColumnSpec.ParseOrDefault(arg)];
        var fieldsNeeded = _columns.Max() + 1;
        _ranges = new Range[fieldsNeeded];
        _verbatim = new bool[fieldsNeeded];
    }

    public IReadOnlyList<int> Columns => _columns;

    /// <summary>Records skipped because they had fewer fields than the highest selected column needs.</summary>
    public long MalformedCount => Interlocked.Read(ref _malformed);

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var tuple = batch[i];
            var value = Select(tuple.Value);
            if (value is null) Interlocked.Increment(ref _malformed);
            else outputs.Add(new StreamTuple(tuple.Key, value));
        }
    }

    /// <summary>The output line for one input line, or null when the record has too few fields.</summary>
    public string? Select(string line)
    {
        // One pass remembers where the needed fields are; then they are written in the spec's order.
        var span = line.AsSpan();
        var found = 0;
        var fields = CsvLine.Fields(span);
        while (found < _ranges.Length && fields.MoveNext())
        {
            _ranges[found] = fields.CurrentRange;
            _verbatim[found] = fields.Current.IsVerbatim;
            found++;
        }
        if (found < _ranges.Length) return null;

        var needed = 0;
        foreach (var column in _columns) needed += 2 * span[_ranges[column]].Length + 3;
        if (_output.Length < needed) _output = new char[Math.Max(needed, _output.Length * 2)];
        if (_scratch.Length < span.Length) _scratch = new char[Math.Max(span.Length, _scratch.Length * 2)];

        var output = _output.AsSpan();
        var written = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            if (i > 0) output[written++] = ',';
            var column = _columns[i];
            var value = CsvLine.FieldAt(span, _ranges[column], _verbatim[column]).GetValue(_scratch);
            written += CsvWriter.WriteField(value, output[written..]);
        }
        return new string(output[..written]);
    }
}
