using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RainStorm.Operators.Csv;

/// <summary>
/// Finds where fields of a CSV line start, looking at 16 (or 8) characters per step: commas and quotes are located
/// with vector compares and only those positions are examined. Follows the same rules as
/// <see cref="CsvFieldEnumerator"/>: a quote opens a quoted field only at the start of a field, <c>""</c> inside
/// quotes is an escaped quote, an unterminated quote runs to the end of the line.
/// </summary>
internal static class FieldSeeker
{
    /// <summary>The index in <paramref name="line"/> where field <paramref name="index"/> starts, or -1 when the line has fewer fields.</summary>
    public static int StartOf(ReadOnlySpan<char> line, int index) => Seek(line, index, []);

    /// <summary>Fills <paramref name="starts"/> with the start of fields 0, 1, …; returns how many fields were found
    /// (less than the span's length when the line has fewer fields).</summary>
    public static int StartsOf(ReadOnlySpan<char> line, Span<int> starts)
    {
        if (starts.IsEmpty) return 0;
        return Seek(line, starts.Length - 1, starts) >= 0 ? starts.Length : CountRecorded(line, starts);
    }

    private static int CountRecorded(ReadOnlySpan<char> line, Span<int> starts)
    {
        // Seek stopped early: the recorded starts are those before the first slot it did not reach (marked -1).
        var count = starts.IndexOf(-1);
        return count < 0 ? starts.Length : count;
    }

    private static int Seek(ReadOnlySpan<char> line, int index, Span<int> record)
    {
        var start = line.Length > 0 && line[0] == '\uFEFF' ? 1 : 0;
        if (!record.IsEmpty)
        {
            record.Fill(-1);
            record[0] = start;
        }
        if (index == 0) return start;
        var state = new State { FieldStart = start, Found = 0, Target = index, SkipUntil = start, Record = record };
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(line));
        var position = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var comma = Vector256.Create((ushort)',');
            var quote = Vector256.Create((ushort)'"');
            for (; position + Vector256<ushort>.Count <= line.Length; position += Vector256<ushort>.Count)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)position);
                var commas = Vector256.Equals(block, comma).ExtractMostSignificantBits();
                var quotes = Vector256.Equals(block, quote).ExtractMostSignificantBits();
                if ((commas | quotes) != 0 && state.Visit(line, position, commas, quotes) is var found and >= 0) return found;
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var comma = Vector128.Create((ushort)',');
            var quote = Vector128.Create((ushort)'"');
            for (; position + Vector128<ushort>.Count <= line.Length; position += Vector128<ushort>.Count)
            {
                var block = Vector128.LoadUnsafe(ref first, (nuint)position);
                var commas = Vector128.Equals(block, comma).ExtractMostSignificantBits();
                var quotes = Vector128.Equals(block, quote).ExtractMostSignificantBits();
                if ((commas | quotes) != 0 && state.Visit(line, position, commas, quotes) is var found and >= 0) return found;
            }
        }
        for (; position < line.Length; position++)
        {
            var c = line[position];
            if (c is ',' or '"' && state.Visit(line, position, c == ',' ? 1u : 0u, c == '"' ? 1u : 0u) is var found and >= 0) return found;
        }
        return -1;
    }

    private ref struct State
    {
        public int FieldStart;
        public int Found;
        public int Target;
        public int SkipUntil;
        public bool InQuotes;
        public Span<int> Record;

        /// <summary>Examines the commas and quotes of one block (bit i = character at offset + i), in order; returns
        /// the start of the target field once reached, else -1.</summary>
        public int Visit(ReadOnlySpan<char> line, int offset, uint commas, uint quotes)
        {
            var specials = commas | quotes;
            while (specials != 0)
            {
                var bit = BitOperations.TrailingZeroCount(specials);
                specials &= specials - 1;
                var position = offset + bit;
                if (position < SkipUntil) continue;
                if ((quotes & (1u << bit)) == 0)
                {
                    if (InQuotes) continue;
                    FieldStart = position + 1;
                    Found++;
                    if (Found < Record.Length) Record[Found] = FieldStart;
                    if (Found == Target) return FieldStart;
                }
                else if (InQuotes)
                {
                    if (position + 1 < line.Length && line[position + 1] == '"') SkipUntil = position + 2;
                    else InQuotes = false;
                }
                else if (position == FieldStart)
                {
                    InQuotes = true;
                }
            }
            return -1;
        }
    }
}
