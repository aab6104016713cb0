using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Leader, worker and task messages about one task (<see cref="Protocol.TaskProtocol"/>).</summary>
public sealed class TaskProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "task", Version4, Codecs)
{
    public const int SerializerId = 4721;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    /// <summary>Version 2: <see cref="TaskReport"/> ends with the tuples sent per key group (optional), <see cref="Routing"/>
    /// with the key groups the task owns (optional); <see cref="KeyGroupsOwned"/>.</summary>
    public const byte Version2 = 2;

    /// <summary>Version 3: <see cref="OutputLines"/> ends with the sink task (optional) and the append seq.</summary>
    public const byte Version3 = 3;

    /// <summary>Version 4: <see cref="TaskSpec"/> ends with the checkpoint mode and the manifest to restore from (optional).</summary>
    public const byte Version4 = 4;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<TaskId>("id", (w, m) => w.TaskId(m), r => r.TaskId()),
        Codec.Of<StageRouting>("stage-routing", (w, m) => w.StageRouting(m), r => r.StageRouting()),
        Codec.Of<TaskSpec>("spec", (w, m) => w.TaskSpec(m), r => r.TaskSpec(withCheckpoints: r.Version >= Version4)),
        Codec.Of<Routing>("routing", (w, m) => { w.TaskId(m.Task); w.Optional(m.Downstream, w.StageRouting); w.Bool(m.Follow); w.Optional(m.Own, w.KeyGroupsOwned); },
            r => new Routing(r.TaskId(), r.Optional(r.StageRouting), r.Bool(), r.Version >= Version2 ? r.Optional(r.KeyGroupsOwned) : null)),
        Codec.Of<KeyGroupsOwned>("owned", (w, m) => w.KeyGroupsOwned(m), r => r.KeyGroupsOwned()),
        Codec.Of<SetFollow>("follow", (w, m) => w.Bool(m.On), r => new SetFollow(r.Bool())),
        Codec.Of<TaskReport>("report", (w, m) => w.TaskReport(m), r => r.TaskReport(withGroups: r.Version >= Version2)),
        Codec.Of<SetRate>("rate", (w, m) => w.Double(m.TuplesPerSecond), r => new SetRate(r.Double())),
        Codec.Of<TaskCompleted>("completed", (w, m) => { w.TaskId(m.Id); w.Long(m.TuplesIn); w.Long(m.TuplesOut); },
            r => new TaskCompleted(r.TaskId(), r.Long(), r.Long())),
        Codec.Of<TaskFailed>("failed", (w, m) => { w.TaskId(m.Id); w.Str(m.Reason); }, r => new TaskFailed(r.TaskId(), r.Str())),
        Codec.Of<OutputLines>("lines", (w, m) => { w.Str(m.JobId); w.Strings(m.Lines); w.Optional(m.Sink, w.TaskId); w.Long(m.Seq); },
            r => r.Version >= Version3 ? new OutputLines(r.Str(), r.Strings(), r.Optional(r.TaskId), r.Long()) : new OutputLines(r.Str(), r.Strings())),
    ];
}
