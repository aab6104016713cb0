using RainStorm.Operators.Contract;

namespace RainStorm.Operators.BuiltIn;

/// <summary><c>Filter pattern</c>: passes a tuple on, key and value unchanged, when its line contains the pattern
/// (ordinal, case-sensitive substring).</summary>
public sealed class Filter : IOperator
{
    private readonly string _pattern;

    public Filter(string pattern)
    {
        if (string.IsNullOrEmpty(pattern))
            throw new OperatorException("Filter pattern is empty; expected a non-empty substring to look for.");
        _pattern = pattern;
    }

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        var pattern = _pattern.AsSpan();
        for (var i = 0; i < batch.Count; i++)
        {
            var tuple = batch[i];
            if (tuple.Value.AsSpan().IndexOf(pattern, StringComparison.Ordinal) >= 0) outputs.Add(tuple);
        }
    }
}
