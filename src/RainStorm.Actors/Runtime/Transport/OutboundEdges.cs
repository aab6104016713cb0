using Akka.Actor;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Transport;

/// <summary>
/// The sending side of one task's outgoing edges (one per downstream task): builds batches bounded in bytes,
/// sends at most <see cref="TransportSettings.Window"/> unacknowledged batches per edge, resends on timeout or when
/// the destination moves (resolving it again each time), and ends every edge with an end-of-stream batch.
/// Not thread-safe: owned by one task actor.
/// </summary>
public sealed class OutboundEdges
{
    private readonly TransportSettings _settings;
    private readonly IActorRef _self;
    private Edge[] _edges;
    private List<StreamTuple>[] _building;
    private int[] _buildingBytes;
    private long[] _buildingSince;
    private long[] _nextSeq;
    private Queue<TupleBatch>[] _ready;
    private SortedDictionary<long, (TupleBatch Batch, long SentAt)>[] _unacked;
    private Func<int, IActorRef?> _resolve;

    public OutboundEdges(string jobId, int fromStage, int fromTask, int downstreamTasks, TransportSettings settings,
        IActorRef self, Func<int, IActorRef?> resolve)
    {
        _settings = settings;
        _self = self;
        _resolve = resolve;
        _edges = Enumerable.Range(0, downstreamTasks).Select(t => new Edge(jobId, fromStage, fromTask, t)).ToArray();
        _building = _edges.Select(_ => new List<StreamTuple>()).ToArray();
        _buildingBytes = new int[downstreamTasks];
        _buildingSince = new long[downstreamTasks];
        _nextSeq = new long[downstreamTasks];
        _ready = _edges.Select(_ => new Queue<TupleBatch>()).ToArray();
        _unacked = _edges.Select(_ => new SortedDictionary<long, (TupleBatch, long)>()).ToArray();
    }

    public int Destinations => _edges.Length;

    /// <summary>The routing epoch batches are cut under from now on (<see cref="TupleBatch.Epoch"/>).</summary>
    public int Epoch { get; set; }
    public bool Finishing { get; private set; }
    public long TuplesSent { get; private set; }
    public long BatchesSent { get; private set; }
    public long Retries { get; private set; }

    /// <summary>False while some edge has <see cref="TransportSettings.ReadyLimit"/> sealed batches waiting for
    /// credit: the owner must stop taking input until acks arrive (backpressure).</summary>
    public bool HasRoom
    {
        get
        {
            foreach (var ready in _ready)
                if (ready.Count >= _settings.ReadyLimit) return false;
            return true;
        }
    }

    /// <summary>Nothing is being built, waiting or unacknowledged on any edge.</summary>
    public bool Idle => Enumerable.Range(0, _edges.Length).All(EdgeIdle);

    private bool EdgeIdle(int d) => _building[d].Count == 0 && _ready[d].Count == 0 && _unacked[d].Count == 0;

    /// <summary>Seals what is being built for <paramref name="destination"/> and returns the last seq used on its edge:
    /// once <see cref="AcknowledgedThrough"/> that seq, the destination is done with everything added so far.</summary>
    public long SealUpTo(int destination)
    {
        if (_building[destination].Count > 0) Seal(destination);
        Pump(destination);
        return _nextSeq[destination];
    }

    /// <summary>Every batch of edge <paramref name="destination"/> up to <paramref name="seq"/> is acknowledged.</summary>
    public bool AcknowledgedThrough(int destination, long seq) => LowestOutstanding(destination) > seq;

    /// <summary>The next stage now has <paramref name="downstreamTasks"/> tasks: edges to new tasks start at seq 1;
    /// edges to tasks that left are dropped, which only edges with nothing under way may be (nothing of theirs is lost).</summary>
    public void Resize(int downstreamTasks)
    {
        if (downstreamTasks == _edges.Length) return;
        for (var d = downstreamTasks; d < _edges.Length; d++)
            if (!EdgeIdle(d)) throw new InvalidOperationException($"The edge to task {d} was dropped while batches were under way on it.");
        var old = _edges.Length;
        var prototype = _edges[0];
        Array.Resize(ref _edges, downstreamTasks);
        Array.Resize(ref _building, downstreamTasks);
        Array.Resize(ref _buildingBytes, downstreamTasks);
        Array.Resize(ref _buildingSince, downstreamTasks);
        Array.Resize(ref _nextSeq, downstreamTasks);
        Array.Resize(ref _ready, downstreamTasks);
        Array.Resize(ref _unacked, downstreamTasks);
        for (var d = old; d < downstreamTasks; d++)
        {
            _edges[d] = prototype with { ToTask = d };
            _building[d] = [];
            _ready[d] = new Queue<TupleBatch>();
            _unacked[d] = new SortedDictionary<long, (TupleBatch, long)>();
        }
    }

    /// <summary>Every edge ended and every batch, end-of-stream included, acknowledged.</summary>
    public bool Drained => Finishing && _ready.All(r => r.Count == 0) && _unacked.All(u => u.Count == 0);

    public int Unacked => _unacked.Sum(u => u.Count);

    /// <summary>The last seq used per edge (for exactly-once snapshots).</summary>
    public long[] NextSeqs => (long[])_nextSeq.Clone();

    /// <summary>Every sealed batch not yet acknowledged, per edge in seq order (for exactly-once snapshots).</summary>
    public IReadOnlyList<TupleBatch> Outstanding() =>
        Enumerable.Range(0, _edges.Length).SelectMany(d => _unacked[d].Values.Select(v => v.Batch).Concat(_ready[d])).OrderBy(b => b.Edge.ToTask).ThenBy(b => b.Seq).ToList();

    /// <summary>The lowest seq of edge <paramref name="destination"/> that is sealed and not yet acknowledged, or the next seq when none is.</summary>
    public long LowestOutstanding(int destination)
    {
        var lowest = _nextSeq[destination] + 1;
        foreach (var seq in _unacked[destination].Keys) { lowest = Math.Min(lowest, seq); break; }
        if (_ready[destination].TryPeek(out var first)) lowest = Math.Min(lowest, first.Seq);
        return lowest;
    }

    /// <summary>After an exactly-once recovery, before anything else is added: the batches that were outstanding (queued
    /// to be sent again through the windows) and the seqs to continue from. Building batches are left empty.</summary>
    public void Restore(IEnumerable<TupleBatch> outstanding, long[] nextSeqs, bool finishing)
    {
        Finishing = finishing;
        Array.Copy(nextSeqs, _nextSeq, Math.Min(nextSeqs.Length, _nextSeq.Length));
        foreach (var batch in outstanding.OrderBy(b => b.Seq))
            if (batch.Edge.ToTask < _edges.Length) _ready[batch.Edge.ToTask].Enqueue(batch with { Edge = _edges[batch.Edge.ToTask] });
        Pump();
    }

    public void Add(int destination, in StreamTuple tuple)
    {
        if (Finishing) throw new InvalidOperationException("Outputs were added after the end of stream.");
        var building = _building[destination];
        if (building.Count == 0) _buildingSince[destination] = Environment.TickCount64;
        building.Add(tuple);
        _buildingBytes[destination] += tuple.Key.Length + tuple.Value.Length + 8;
        if (_buildingBytes[destination] >= _settings.MaxBatchBytes) Seal(destination);
    }

    /// <summary>Seals partial batches older than the flush interval (all of them when <paramref name="force"/>), then sends what the windows allow.</summary>
    public void Flush(bool force = false)
    {
        var now = Environment.TickCount64;
        for (var d = 0; d < _edges.Length; d++)
            if (_building[d].Count > 0 && (force || now - _buildingSince[d] >= (long)_settings.FlushInterval.TotalMilliseconds))
                Seal(d);
        Pump();
    }

    /// <summary>Ends the edges to <paramref name="destinations"/> (all when null), the ones the receivers expect input
    /// from: partial batches are sealed, then an end-of-stream batch follows on each.</summary>
    public void Finish(IEnumerable<int>? destinations = null)
    {
        if (Finishing) return;
        for (var d = 0; d < _edges.Length; d++)
            if (_building[d].Count > 0) Seal(d);
        foreach (var d in destinations ?? Enumerable.Range(0, _edges.Length))
            _ready[d].Enqueue(new TupleBatch(_edges[d], ++_nextSeq[d], [], EndOfStream: true));
        Finishing = true;
        Pump();
    }

    /// <summary>Checkpoint <paramref name="checkpoint"/>'s barrier goes out on the edges to <paramref name="destinations"/>
    /// (all when null), after every tuple added so far (partial batches are sealed first).</summary>
    public void Barrier(long checkpoint, IEnumerable<int>? destinations = null)
    {
        if (Finishing) return;
        for (var d = 0; d < _edges.Length; d++)
            if (_building[d].Count > 0) Seal(d);
        foreach (var d in destinations ?? Enumerable.Range(0, _edges.Length))
            _ready[d].Enqueue(new TupleBatch(_edges[d], ++_nextSeq[d], [], Epoch: Epoch, Barrier: checkpoint));
        Pump();
    }

    public void OnAck(BatchAck ack)
    {
        var d = ack.Edge.ToTask;
        if (d < 0 || d >= _edges.Length || !_edges[d].Equals(ack.Edge)) return;
        if (_unacked[d].Remove(ack.Seq)) Pump(d);
    }

    /// <summary>Sends sealed batches while the credit windows allow.</summary>
    public void Pump()
    {
        for (var d = 0; d < _edges.Length; d++) Pump(d);
    }

    /// <summary>Batch <paramref name="seq"/> of edge <paramref name="destination"/> was refused as cut under an older epoch
    /// ("not mine"): it is cut again under <see cref="Epoch"/>, keeping under the same seq the tuples that
    /// <paramref name="staysHere"/> and returning the others to be routed anew, then sent again. Nothing when the batch
    /// is no longer outstanding, or was cut under this epoch already (a second refusal of the same one).</summary>
    public IReadOnlyList<StreamTuple> Recut(Edge edge, long seq, Func<StreamTuple, bool> staysHere)
    {
        var destination = edge.ToTask;
        if (destination < 0 || destination >= _edges.Length || !_edges[destination].Equals(edge) || !_unacked[destination].TryGetValue(seq, out var sent) || sent.Batch.Epoch >= Epoch) return [];
        var stays = sent.Batch.Tuples.Where(staysHere).ToArray();
        var moves = sent.Batch.Tuples.Where(t => !staysHere(t)).ToList();
        Resend(destination, sent.Batch with { Tuples = stays, Epoch = Epoch }, Environment.TickCount64);
        return moves;
    }

    /// <summary>Resends every batch unacknowledged for longer than the retry timeout, re-resolving its destination.</summary>
    public int RetryDue()
    {
        var now = Environment.TickCount64;
        var timeout = (long)_settings.RetryTimeout.TotalMilliseconds;
        var resent = 0;
        for (var d = 0; d < _edges.Length; d++)
        {
            var due = _unacked[d].Where(p => now - p.Value.SentAt >= timeout).Select(p => p.Value.Batch).ToList();
            foreach (var batch in due) resent += Resend(d, batch, now) ? 1 : 0;
        }
        return resent;
    }

    /// <summary>The destinations moved: from now on resolve through <paramref name="resolve"/> and resend everything unacknowledged.</summary>
    public void Reroute(Func<int, IActorRef?> resolve)
    {
        _resolve = resolve;
        var now = Environment.TickCount64;
        for (var d = 0; d < _edges.Length; d++)
            foreach (var batch in _unacked[d].Values.Select(v => v.Batch).ToList())
                Resend(d, batch, now);
        Pump();
    }

    private void Seal(int d)
    {
        _ready[d].Enqueue(new TupleBatch(_edges[d], ++_nextSeq[d], _building[d].ToArray(), Epoch: Epoch));
        _building[d].Clear();
        _buildingBytes[d] = 0;
    }

    private void Pump(int d)
    {
        var ready = _ready[d];
        var unacked = _unacked[d];
        while (ready.Count > 0 && unacked.Count < _settings.Window)
        {
            var target = _resolve(d);
            if (target is null) return;
            var batch = ready.Dequeue();
            unacked[batch.Seq] = (batch, Environment.TickCount64);
            target.Tell(batch, _self);
            BatchesSent++;
            TuplesSent += batch.Tuples.Length;
        }
    }

    private bool Resend(int d, TupleBatch batch, long now)
    {
        var target = _resolve(d);
        _unacked[d][batch.Seq] = (batch, now);
        if (target is null) return false;
        target.Tell(batch, _self);
        Retries++;
        return true;
    }
}
