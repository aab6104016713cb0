using Akka.Actor;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Outputs to the next stage through the batched, credit-windowed transport.</summary>
public sealed class EdgeOutput : ITaskOutput
{
    private readonly OutboundEdges _edges;
    private readonly IOperator? _nextOperator;
    private readonly int _ownIndex;
    private Router _router;

    public EdgeOutput(TaskId id, StageRouting routing, IOperator? nextOperator, TransportSettings settings, IActorRef self)
    {
        _ownIndex = id.Index;
        _nextOperator = nextOperator;
        _router = new Router(routing, id.Index, nextOperator);
        _edges = new OutboundEdges(id.EdgeJobId, id.Stage, id.Index, routing.Tasks.Length, settings, self, Resolve);
    }

    /// <summary>The output of task <paramref name="spec"/> into the next stage; a partitioned edge routes by the next
    /// operator's partition key.</summary>
    public static EdgeOutput For(TaskSpec spec, StageRouting next, TransportSettings settings, IActorRef self) =>
        new(spec.Id, next, next.Mode == RoutingMode.KeyGroups ? OperatorFactory.Create(spec.Downstream!, spec.OperatorDir) : null, settings, self);

    public OutboundEdges Edges => _edges;

    public bool HasRoom => _edges.HasRoom;

    public bool Drained => _edges.Drained;

    public void Emit(List<StreamTuple> outputs)
    {
        foreach (var tuple in outputs) _edges.Add(_router.Destination(tuple), tuple);
        _edges.Pump();
    }

    public void Tick()
    {
        _edges.Flush();
        _edges.RetryDue();
    }

    /// <summary>With forward routing only the task of the same index takes input from this one.</summary>
    public void Finish() => _edges.Finish(_router.Routing.Mode == RoutingMode.Forward ? [_ownIndex] : null);

    public bool Handle(object message)
    {
        switch (message)
        {
            case BatchAck ack:
                _edges.OnAck(ack);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Seals what is being built and sends it: a held task empties its edges this way.</summary>
    public void FlushAll() => _edges.Flush(force: true);

    /// <summary>Nothing is being built, waiting or unacknowledged.</summary>
    public bool Idle => _edges.Idle;

    /// <summary>The next stage's tasks moved, or it was rescaled (then only by an <see cref="Idle"/> output): resolve
    /// again and resend what is unacknowledged.</summary>
    public void Reroute(StageRouting routing)
    {
        _edges.Resize(routing.Tasks.Length);
        _router = new Router(routing, _ownIndex, _nextOperator);
        _edges.Reroute(Resolve);
    }

    private IActorRef? Resolve(int task) => task < _router.Routing.Tasks.Length ? _router.Routing.Tasks[task] : null;
}
