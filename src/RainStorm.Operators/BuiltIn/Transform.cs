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
    private readonly int[] _starts;
    private char[] _output = new char[256];
    private char[] _scratch = new char[256];
    private long _malformed;

    public Transform(string arg)
    {
        _columns = [.. ColumnSpec.ParseOrDefault(arg)];
        _starts = new int[_columns.Max() + 1];
    }

    public IReadOnlyList<int> Columns => _columns;

    /// <summary>Records skipped because they had fewer fields than the highest selected column needs (written by the
    /// processing thread only; read safely from any thread).</summary>
    public long MalformedCount => Interlocked.Read(ref _malformed);

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var tuple = batch[i];
            var value = Select(tuple.Value);
            if (value is null) _malformed++;
            else outputs.Add(new StreamTuple(tuple.Key, value));
        }
    }

    /// <summary>The output line for one input line, or null when the record has too few fields.</summary>
    public string? Select(string line)
    {
        var span = line.AsSpan();
        if (CsvLine.FieldStarts(span, _starts) < _starts.Length) return null;
        // Quoting at most doubles a field and adds two quotes; plus one comma per field.
        if (_output.Length < 2 * span.Length + 3 * _columns.Length) _output = new char[2 * span.Length + 3 * _columns.Length];
        if (_scratch.Length < span.Length) _scratch = new char[span.Length];

        var output = _output.AsSpan();
        var written = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            if (i > 0) output[written++] = ',';
            var value = CsvLine.FieldStartingAt(span, _starts[_columns[i]]).GetValue(_scratch);
            written += CsvWriter.WriteField(value, output[written..]);
        }
        return new string(output[..written]);
    }
}
