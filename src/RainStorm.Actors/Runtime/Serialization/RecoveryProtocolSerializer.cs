using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Task recovery messages and the leader's recovery list (<see cref="Recovery.RecoveryProtocol"/>).</summary>
public sealed class RecoveryProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "recovery", Version1, Codecs)
{
    public const int SerializerId = 4724;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<FirstOutput>("first-output", (w, m) => w.TaskId(m.Id), r => new FirstOutput(r.TaskId())),
        Codec.Empty<ReportTasks>("report-tasks"),
        Codec.Of<TasksReported>("tasks-reported", (w, m) => { w.Str(m.Node); w.Int(m.Count); }, r => new TasksReported(r.Str(), r.Int())),
        Codec.Empty<ListRecoveries>("recoveries"),
        Codec.Of<RecoveryList>("recovery-list", (w, m) => w.List(m.Recoveries, w.RecoveryInfo), r => new RecoveryList(r.List(r.RecoveryInfo))),
        Codec.Of<RecoveryInfo>("recovery", (w, m) => w.RecoveryInfo(m), r => r.RecoveryInfo()),
    ];
}
