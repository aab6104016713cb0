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
    private readonly Edge[] _edges;
    private readonly List<StreamTuple>[] _building;
    private readonly int[] _buildingBytes;
    private readonly long[] _buildingSince;
    private readonly long[] _nextSeq;
    private readonly Queue<TupleBatch>[] _ready;
    private readonly SortedDictionary<long, (TupleBatch Batch, long SentAt)>[] _unacked;
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

    /// <summary>Every edge ended and every batch, end-of-stream included, acknowledged.</summary>
    public bool Drained => Finishing && _ready.All(r => r.Count == 0) && _unacked.All(u => u.Count == 0);

    public int Unacked => _unacked.Sum(u => u.Count);

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
        _ready[d].Enqueue(new TupleBatch(_edges[d], ++_nextSeq[d], _building[d].ToArray()));
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
