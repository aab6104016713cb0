using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Transport;

/// <summary>What the receiver should do with an arriving batch.</summary>
public enum Arrival
{
    /// <summary>First time seen: process it, then acknowledge.</summary>
    New,
    /// <summary>A retry of a batch still queued here: drop it, the acknowledgement follows when it is processed.</summary>
    Pending,
    /// <summary>A retry of a batch already processed: drop it and acknowledge again.</summary>
    Done,
}

/// <summary>What one inbound edge has processed: every seq up to <see cref="DoneUpTo"/>, those in <see cref="DoneAbove"/>.</summary>
public sealed record EdgeMark(Edge Edge, long DoneUpTo, long[] DoneAbove, bool Ended);

/// <summary>
/// The receiving side of a task's incoming edges: deduplicates by (edge, seq) so retried batches are harmless,
/// and tracks which upstream edges have ended. Memory per edge stays within the sender's credit window.
/// </summary>
public sealed class InboundEdges
{
    private sealed class EdgeState
    {
        public long DoneUpTo;
        public readonly HashSet<long> DoneAbove = [];
        public readonly HashSet<long> Pending = [];
        public bool Ended;
        public bool Unused => DoneUpTo == 0 && DoneAbove.Count == 0 && Pending.Count == 0 && !Ended;
    }

    private readonly Dictionary<Edge, EdgeState> _edges = new();

    public InboundEdges(IEnumerable<Edge> expected)
    {
        foreach (var edge in expected) _edges[edge] = new EdgeState();
    }

    public int Expected => _edges.Count;

    public bool AllEnded => _edges.Values.All(e => e.Ended);

    public bool Knows(Edge edge) => _edges.ContainsKey(edge);

    /// <summary>Every expected edge, whether it ended, and up to which seq it is processed without a gap.</summary>
    public IEnumerable<(Edge Edge, bool Ended, long DoneUpTo)> Progress() => _edges.Select(p => (p.Key, p.Value.Ended, p.Value.DoneUpTo));

    /// <summary>The upstream stage was rescaled (or its edge became a rebalancing one): expect these edges too.</summary>
    public void Expect(IEnumerable<Edge> edges)
    {
        foreach (var edge in edges) _edges.TryAdd(edge, new EdgeState());
    }

    /// <summary>Drops these edges if they ended (their senders left the job) or never carried a batch (a rescale that
    /// would have added their senders was rolled back); returns the edges dropped.</summary>
    public IReadOnlyList<Edge> Forget(IEnumerable<Edge> edges)
    {
        var dropped = new List<Edge>();
        foreach (var edge in edges)
            if (_edges.TryGetValue(edge, out var state) && (state.Ended || state.Unused) && _edges.Remove(edge)) dropped.Add(edge);
        return dropped;
    }

    /// <summary>The task leaves its stage (a rescale shrank it): its senders hold nothing more for it, so every edge
    /// counts as ended.</summary>
    public void EndAll()
    {
        foreach (var state in _edges.Values) state.Ended = true;
    }

    public Arrival Receive(Edge edge, long seq)
    {
        var state = State(edge);
        if (seq <= state.DoneUpTo || state.DoneAbove.Contains(seq)) return Arrival.Done;
        return state.Pending.Add(seq) ? Arrival.New : Arrival.Pending;
    }

    /// <summary>The batch was refused unprocessed ("not mine"): it is not marked, and its seq may arrive again.</summary>
    public void Refuse(Edge edge, long seq) => State(edge).Pending.Remove(seq);

    /// <summary>The batch is processed; an end-of-stream batch also ends its edge.</summary>
    public void Complete(Edge edge, long seq, bool endOfStream)
    {
        var state = State(edge);
        state.Pending.Remove(seq);
        if (seq == state.DoneUpTo + 1)
        {
            state.DoneUpTo = seq;
            while (state.DoneAbove.Remove(state.DoneUpTo + 1)) state.DoneUpTo++;
        }
        else if (seq > state.DoneUpTo)
        {
            state.DoneAbove.Add(seq);
        }
        if (endOfStream) state.Ended = true;
    }

    /// <summary>A journaled round is replayed: like <see cref="Complete"/>, but an edge not expected now is known again
    /// (its sender left the stage later; a journaled <see cref="Forget"/> drops it again).</summary>
    public void Replay(Edge edge, long seq, bool endOfStream)
    {
        _edges.TryAdd(edge, new EdgeState());
        Complete(edge, seq, endOfStream);
    }

    /// <summary>The dedup marks of every edge (for exactly-once snapshots): processed up to, processed above, ended.</summary>
    public IReadOnlyList<EdgeMark> Marks() =>
        _edges.Select(p => new EdgeMark(p.Key, p.Value.DoneUpTo, p.Value.DoneAbove.Order().ToArray(), p.Value.Ended)).ToList();

    /// <summary>Restores marks taken by <see cref="Marks"/>; edges not named keep their state, edges not expected now
    /// are known again (their senders may still be finishing).</summary>
    public void Restore(IEnumerable<EdgeMark> marks)
    {
        foreach (var mark in marks)
        {
            if (!_edges.TryGetValue(mark.Edge, out var state)) _edges[mark.Edge] = state = new EdgeState();
            state.DoneUpTo = mark.DoneUpTo;
            state.DoneAbove.Clear();
            state.DoneAbove.UnionWith(mark.DoneAbove);
            state.Pending.Clear();
            state.Ended = mark.Ended;
        }
    }

    private EdgeState State(Edge edge) =>
        _edges.TryGetValue(edge, out var state)
            ? state
            : throw new InvalidOperationException($"Batch on unexpected edge {edge}.");
}
