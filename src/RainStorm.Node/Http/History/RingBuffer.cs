namespace RainStorm.Node.Http.History;

/// <summary>The last <c>capacity</c> items, oldest first. Not thread-safe (its owner locks).</summary>
public sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] _items = new T[capacity];
    private int _next;

    public int Count { get; private set; }

    public void Add(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        Count = Math.Min(Count + 1, _items.Length);
    }

    public IReadOnlyList<T> ToList()
    {
        var list = new List<T>(Count);
        var start = (_next - Count + _items.Length) % _items.Length;
        for (var i = 0; i < Count; i++) list.Add(_items[(start + i) % _items.Length]);
        return list;
    }

    public T? Last => Count == 0 ? default : _items[(_next - 1 + _items.Length) % _items.Length];
}
