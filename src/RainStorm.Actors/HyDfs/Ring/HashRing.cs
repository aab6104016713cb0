namespace RainStorm.Actors.HyDfs.Ring;

/// <summary>
/// Consistent hashing: every hydfs node sits on the ring at the hash of its host:port, every file at the
/// hash of its name; a file lives on the first <c>replicas</c> nodes at or after its position (wrapping).
/// Immutable; a membership change builds a new ring.
/// </summary>
public sealed class HashRing
{
    public static readonly HashRing Empty = new([]);

    private readonly RingMember[] _members;

    public HashRing(IEnumerable<string> nodes)
    {
        _members = nodes.Distinct().Select(n => new RingMember(n, StableHash.Of(n)))
            .OrderBy(m => m.RingId).ThenBy(m => m.Node, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<RingMember> Members => _members;

    public bool Contains(string node) => _members.Any(m => m.Node == node);

    public static long FileId(string name) => StableHash.Of(name);

    /// <summary>The replicas of <paramref name="name"/>, primary first; fewer when the ring is smaller.</summary>
    public IReadOnlyList<RingMember> Replicas(string name, int count)
    {
        if (_members.Length == 0) return [];
        var id = FileId(name);
        var start = 0;
        while (start < _members.Length && _members[start].RingId < id) start++;
        var n = Math.Min(count, _members.Length);
        var result = new RingMember[n];
        for (var i = 0; i < n; i++) result[i] = _members[(start + i) % _members.Length];
        return result;
    }

    public string? Primary(string name) => _members.Length == 0 ? null : Replicas(name, 1)[0].Node;

    public override string ToString() => string.Join(", ", _members.Select(m => $"{m.Node}#{m.RingId}"));
}
