using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Picks the next-stage task of an output tuple: the same index (forward), or the task owning the key group
/// of the next operator's partition key.</summary>
public sealed class Router(StageRouting routing, int ownIndex, IOperator? nextOperator)
{
    public StageRouting Routing { get; } = routing;

    public int Destination(in StreamTuple tuple) =>
        Routing.Mode == RoutingMode.Forward ? ownIndex : Routing.GroupToTask[Group(tuple)];

    /// <summary>The key group of <paramref name="tuple"/> in the next stage (by the next operator's partition key).</summary>
    public int Group(in StreamTuple tuple) => KeyGroups.Of(nextOperator is null ? tuple.Key : nextOperator.PartitionKey(tuple));
}
