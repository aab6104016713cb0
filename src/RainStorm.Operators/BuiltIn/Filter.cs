using System.Text;
using RainStorm.Operators.Contract;

namespace RainStorm.Operators.BuiltIn;

/// <summary><c>Filter pattern</c>: passes a tuple on, key and value unchanged, when its line contains the pattern
/// (ordinal, case-sensitive substring).</summary>
public sealed class Filter : IOperator
{
    private readonly string _pattern;
    private readonly byte[]? _utf8Pattern;

    public Filter(string pattern)
    {
        if (string.IsNullOrEmpty(pattern))
            throw new OperatorException("Filter pattern is empty; expected a non-empty substring to look for.");
        _pattern = pattern;
        _utf8Pattern = Utf8Equivalent(pattern);
    }

    /// <summary>Whether <see cref="MatchesUtf8"/> decides exactly as <see cref="Process"/> would on the decoded line.</summary>
    public bool MatchesRawLines => _utf8Pattern is not null;

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        var pattern = _pattern.AsSpan();
        for (var i = 0; i < batch.Count; i++)
        {
            var tuple = batch[i];
            if (tuple.Value.AsSpan().IndexOf(pattern, StringComparison.Ordinal) >= 0) outputs.Add(tuple);
        }
    }

    /// <summary>Whether the line whose UTF-8 bytes are <paramref name="line"/> passes, without decoding it; only when
    /// <see cref="MatchesRawLines"/>.</summary>
    public bool MatchesUtf8(ReadOnlySpan<byte> line) => IndexOfUtf8(line) >= 0;

    /// <summary>Where the pattern first occurs in UTF-8 <paramref name="text"/> (several lines at once, say), or -1; only
    /// when <see cref="MatchesRawLines"/>.</summary>
    public int IndexOfUtf8(ReadOnlySpan<byte> text) =>
        text.IndexOf(_utf8Pattern ?? throw new InvalidOperationException("This pattern is matched on decoded lines only."));

    /// <summary>
    /// The pattern's UTF-8 bytes when searching them in a line's bytes gives the same answer as searching the pattern in
    /// the decoded line, else null. UTF-8 is self-synchronising: a valid pattern matches valid text only at character
    /// boundaries, and a decoder never swallows a byte that starts a valid sequence into the replacement of an invalid
    /// one, so the two searches agree unless the pattern itself holds a replacement character (which an invalid byte in
    /// the line would match) or a lone surrogate (which has no UTF-8 form).
    /// </summary>
    private static byte[]? Utf8Equivalent(string pattern)
    {
        if (pattern.Contains('\uFFFD')) return null;
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            return strict.GetBytes(pattern);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }
}
