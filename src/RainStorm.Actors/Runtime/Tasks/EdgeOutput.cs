using Akka.Actor;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Outputs to the next stage through the batched, credit-windowed transport. During a partial hold (a rescale
/// moving some key groups of the next stage) the tuples of those groups are kept aside, and go out by the new routing
/// when it comes; the rest flows on.</summary>
public sealed class EdgeOutput : ITaskOutput
{
    private readonly OutboundEdges _edges;
    private readonly IOperator? _nextOperator;
    private readonly int _ownIndex;
    private readonly long _keptAsideLimit;
    private Router _router;
    private HashSet<int>? _heldGroups;
    /// <summary>Destination → the last seq it must acknowledge before the held groups' old owners are done with them.</summary>
    private Dictionary<int, long> _holdMarks = new();
    private readonly List<StreamTuple> _keptAside = [];
    private long _keptAsideBytes;
    /// <summary>Batches refused under an epoch newer than this output's routing: cut again when that routing comes.</summary>
    private readonly List<BatchRefused> _refusedAhead = [];
    /// <summary>Tuples sent per key group of the next stage since <see cref="TakeGroupsOut"/> (key-group edges only).</summary>
    private long[] _groupsOut = new long[KeyGroups.Count];

    public EdgeOutput(TaskId id, StageRouting routing, IOperator? nextOperator, TransportSettings settings, IActorRef self)
    {
        _ownIndex = id.Index;
        _nextOperator = nextOperator;
        _router = new Router(routing, id.Index, nextOperator);
        _keptAsideLimit = (long)settings.Window * settings.MaxBatchBytes;
        _edges = new OutboundEdges(id.EdgeJobId, id.Stage, id.Index, routing.Tasks.Length, settings, self, Resolve) { Epoch = routing.Epoch };
    }

    /// <summary>The output of task <paramref name="spec"/> into the next stage; a partitioned edge routes by the next
    /// operator's partition key.</summary>
    public static EdgeOutput For(TaskSpec spec, StageRouting next, TransportSettings settings, IActorRef self) =>
        new(spec.Id, next, next.Mode == RoutingMode.KeyGroups ? OperatorFactory.Create(spec.Downstream!, spec.OperatorDir) : null, settings, self);

    public OutboundEdges Edges => _edges;

    /// <summary>Room for more output: the windows have credit and what a hold keeps aside is within one window's bytes.</summary>
    public bool HasRoom => _edges.HasRoom && _keptAsideBytes < _keptAsideLimit;

    public bool Drained => _edges.Drained;

    public void Emit(List<StreamTuple> outputs)
    {
        if (_router.Routing.Mode == RoutingMode.Forward)
        {
            foreach (var tuple in outputs) _edges.Add(_ownIndex, tuple);
        }
        else
        {
            var table = _router.Routing.GroupToTask;
            foreach (var tuple in outputs)
            {
                var group = _router.Group(tuple);
                if (_heldGroups is not null && _heldGroups.Contains(group))
                {
                    KeepAside(tuple);
                    continue;
                }
                _groupsOut[group]++;
                _edges.Add(table[group], tuple);
            }
        }
        _edges.Pump();
    }

    /// <summary>A partial hold: from now on tuples of <paramref name="groups"/> are kept aside; what was already built for
    /// their owners is sent. False over a forward edge with groups to hold (it knows no groups: hold it whole).</summary>
    public bool TryHoldGroups(IReadOnlyCollection<int> groups)
    {
        if (groups.Count == 0) return true;
        if (_router.Routing.Mode != RoutingMode.KeyGroups) return false;
        _heldGroups = groups.ToHashSet();
        _holdMarks = _heldGroups.Select(g => _router.Routing.GroupToTask[g]).Distinct().ToDictionary(d => d, d => _edges.SealUpTo(d));
        return true;
    }

    /// <summary>This output routes by the next stage's key groups (it can hold some of them).</summary>
    public bool ByKeyGroup => _router.Routing.Mode == RoutingMode.KeyGroups;

    /// <summary>The key groups a partial hold keeps aside, or null.</summary>
    public int[]? HeldGroups => _heldGroups?.Order().ToArray();

    /// <summary>What a partial hold kept aside so far, oldest first.</summary>
    public IReadOnlyList<StreamTuple> KeptAside => _keptAside;

    /// <summary>exactly_once recovery: a partial hold as a snapshot left it (its tuples go out by the next routing).</summary>
    public void RestoreHold(int[] groups, IEnumerable<StreamTuple> keptAside)
    {
        TryHoldGroups(groups);
        foreach (var tuple in keptAside) KeepAside(tuple);
    }

    /// <summary>The tuples sent per key group since the last call, or null over a forward edge.</summary>
    public long[]? TakeGroupsOut()
    {
        if (_router.Routing.Mode == RoutingMode.Forward) return null;
        var taken = _groupsOut;
        _groupsOut = new long[KeyGroups.Count];
        return taken;
    }

    /// <summary>The old owners of the held groups acknowledged everything sent to them before the hold.</summary>
    public bool HeldGroupsSettled => _holdMarks.All(m => _edges.AcknowledgedThrough(m.Key, m.Value));

    private void KeepAside(in StreamTuple tuple)
    {
        _keptAside.Add(tuple);
        _keptAsideBytes += tuple.Key.Length + tuple.Value.Length + 8;
    }

    public void Tick()
    {
        _edges.Flush();
        _edges.RetryDue();
    }

    /// <summary>With forward routing only the task of the same index takes input from this one. Never during a hold
    /// (what it keeps aside must go out first).</summary>
    public void Finish()
    {
        if (_heldGroups is not null) throw new InvalidOperationException("The output was ended while key groups were held.");
        _edges.Finish(_router.Routing.Mode == RoutingMode.Forward ? [_ownIndex] : null);
    }

    /// <summary>Checkpoint <paramref name="checkpoint"/>'s barrier follows everything emitted so far, on the edges the
    /// next stage expects input from (as <see cref="Finish"/>).</summary>
    public void Barrier(long checkpoint) =>
        _edges.Barrier(checkpoint, _router.Routing.Mode == RoutingMode.Forward ? [_ownIndex] : null);

    public bool Handle(object message)
    {
        switch (message)
        {
            case BatchAck ack:
                _edges.OnAck(ack);
                return true;
            case BatchRefused refused when refused.Epoch > _router.Routing.Epoch:
                _refusedAhead.Add(refused);
                return true;
            case BatchRefused refused:
                Recut(refused);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Seals what is being built and sends it: a held task empties its edges this way.</summary>
    public void FlushAll() => _edges.Flush(force: true);

    /// <summary>Nothing is being built, waiting, kept aside or unacknowledged.</summary>
    public bool Idle => _edges.Idle && _keptAside.Count == 0;

    /// <summary>The next stage's tasks moved, or it was rescaled (its dropped tasks with nothing under way to them):
    /// resolve again, resend what is unacknowledged, and send what a hold kept aside by the new routing (the hold ends).</summary>
    public void Reroute(StageRouting routing)
    {
        _edges.Resize(routing.Tasks.Length);
        _router = new Router(routing, _ownIndex, _nextOperator);
        _heldGroups = null;
        _holdMarks.Clear();
        _edges.Epoch = routing.Epoch;
        _edges.Reroute(Resolve);
        foreach (var refused in _refusedAhead.Where(r => r.Epoch <= routing.Epoch).ToList())
        {
            _refusedAhead.Remove(refused);
            Recut(refused);
        }
        if (_keptAside.Count == 0) return;
        var keptAside = _keptAside.ToList();
        _keptAside.Clear();
        _keptAsideBytes = 0;
        Emit(keptAside);
    }

    /// <summary>A refused batch is cut again by the current routing: what still goes to its destination keeps its seq,
    /// the rest is routed anew.</summary>
    private void Recut(BatchRefused refused)
    {
        var moves = _edges.Recut(refused.Edge, refused.Seq, t => _router.Destination(t) == refused.Edge.ToTask);
        if (moves.Count > 0) Emit(moves.ToList());
    }

    private IActorRef? Resolve(int task) => task < _router.Routing.Tasks.Length ? _router.Routing.Tasks[task] : null;
}
