using Akka.Actor;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Metrics.MetricsProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>The dashboard's question to every node about its tasks' time (<see cref="MetricsProtocol"/>).</summary>
public sealed class MetricsProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "metrics", Version1, Codecs)
{
    public const int SerializerId = 4726;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Empty<GetTaskTimes>("get-task-times"),
        Codec.Of<TaskTimes>("task-times", (w, m) => w.List(m.Tasks, t => { w.Str(t.Task); w.Double(t.BusySeconds); w.Double(t.BackpressuredSeconds); }),
            r => new TaskTimes(r.List(() => new TaskTime(r.Str(), r.Double(), r.Double())))),
    ];
}
