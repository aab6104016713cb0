using System.Globalization;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Csv;

namespace RainStorm.Operators.BuiltIn;

/// <summary>
/// <c>AggregateByKey column</c>: counts records by the value of one 0-based CSV field and emits the running count
/// <c>key,count</c> (key CSV-quoted when needed) after every input. The stream into it is partitioned by that field's
/// value, and each output's tuple key is the aggregated key. A record with too few fields gives no output and is
/// counted in <see cref="MalformedCount"/>. State is kept per key group so it can be snapshotted, restored and moved.
/// </summary>
public sealed class AggregateByKey : IStatefulOperator
{
    private sealed class Counter(string key)
    {
        public readonly string Key = key;
        public readonly int Group = KeyGroups.Of(key);
        public readonly string Prefix = QuotedPrefix(key);
        public long Count;
        public bool Dirty;
    }

    private readonly int _column;
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<Counter> _dirty = [];
    private char[] _scratch = new char[128];
    private long _malformed;

    public AggregateByKey(int column)
    {
        if (column < 0) throw new OperatorException($"AggregateByKey column is {column}; expected a 0-based column number (0 or more).");
        _column = column;
        _lookup = _counters.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Column => _column;

    /// <summary>Records seen by this instance that had too few fields (not part of the snapshotted state).</summary>
    public long MalformedCount => Interlocked.Read(ref _malformed);

    /// <summary>Number of distinct keys held.</summary>
    public int KeyCount => _counters.Count;

    /// <summary>All current counts (a live view; for diagnostics and tests).</summary>
    public IEnumerable<KeyValuePair<string, long>> Counts => _counters.Values.Select(c => KeyValuePair.Create(c.Key, c.Count));

    /// <summary>The current count of a key (0 when absent).</summary>
    public long CountOf(string key) => _counters.TryGetValue(key, out var counter) ? counter.Count : 0;

    /// <summary>The aggregated field's value; a malformed record keeps its own key (it only bumps a counter).</summary>
    public string PartitionKey(in StreamTuple tuple) =>
        CsvLine.TryGetField(tuple.Value, _column, out var field) ? field.ToString() : tuple.Key;

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var line = batch[i].Value.AsSpan();
            if (!CsvLine.TryGetField(line, _column, out var field))
            {
                _malformed++;
                continue;
            }
            if (_scratch.Length < field.MaxLength) _scratch = new char[Math.Max(field.MaxLength, _scratch.Length * 2)];
            var key = field.GetValue(_scratch);
            if (!_lookup.TryGetValue(key, out var counter))
            {
                counter = new Counter(key.ToString());
                _counters.Add(counter.Key, counter);
            }
            counter.Count++;
            if (!counter.Dirty)
            {
                counter.Dirty = true;
                _dirty.Add(counter);
            }
            outputs.Add(new StreamTuple(counter.Key, Format(counter)));
        }
    }

    public IReadOnlyDictionary<int, byte[]> Snapshot(IReadOnlySet<int>? keyGroups = null)
    {
        var byGroup = new Dictionary<int, List<KeyValuePair<string, long>>>();
        foreach (var counter in _counters.Values)
        {
            if (keyGroups is not null && !keyGroups.Contains(counter.Group)) continue;
            if (!byGroup.TryGetValue(counter.Group, out var entries)) byGroup[counter.Group] = entries = [];
            entries.Add(new(counter.Key, counter.Count));
        }
        return byGroup.ToDictionary(g => g.Key, g => CountStateCodec.Write(g.Value));
    }

    public void Restore(IReadOnlyDictionary<int, byte[]> groups)
    {
        var decoded = groups.ToDictionary(g => g.Key, g => CountStateCodec.Read(g.Value));
        Remove(decoded.Keys.ToHashSet());
        foreach (var (group, entries) in decoded)
        {
            foreach (var (key, count) in entries)
            {
                var counter = new Counter(key) { Count = count };
                if (counter.Group != group)
                    throw new OperatorException($"AggregateByKey state for key group {group} holds key '{key}' of key group {counter.Group}; expected only keys of that group.");
                _counters[key] = counter;
            }
        }
    }

    public void Remove(IReadOnlySet<int> keyGroups)
    {
        var doomed = _counters.Values.Where(c => keyGroups.Contains(c.Group)).ToList();
        foreach (var counter in doomed) _counters.Remove(counter.Key);
        _dirty.RemoveAll(c => keyGroups.Contains(c.Group));
    }

    public byte[]? TakeDelta()
    {
        if (_dirty.Count == 0) return null;
        var entries = new List<KeyValuePair<string, long>>(_dirty.Count);
        foreach (var counter in _dirty)
        {
            entries.Add(new(counter.Key, counter.Count));
            counter.Dirty = false;
        }
        _dirty.Clear();
        return CountStateCodec.Write(entries);
    }

    public void ApplyDelta(byte[] delta)
    {
        foreach (var (key, count) in CountStateCodec.Read(delta))
        {
            if (!_counters.TryGetValue(key, out var counter)) _counters[key] = counter = new Counter(key);
            counter.Count = count;
        }
    }

    private static string QuotedPrefix(string key)
    {
        Span<char> buffer = key.Length <= 100 ? stackalloc char[CsvWriter.FieldLength(key) + 1] : new char[CsvWriter.FieldLength(key) + 1];
        var written = CsvWriter.WriteField(key, buffer);
        buffer[written++] = ',';
        return new string(buffer[..written]);
    }

    private static string Format(Counter counter) =>
        string.Create(counter.Prefix.Length + Digits(counter.Count), counter, static (span, c) =>
        {
            c.Prefix.CopyTo(span);
            c.Count.TryFormat(span[c.Prefix.Length..], out _, default, CultureInfo.InvariantCulture);
        });

    private static int Digits(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
