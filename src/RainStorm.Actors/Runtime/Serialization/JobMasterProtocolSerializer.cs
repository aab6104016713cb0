using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Leader ↔ job master messages (<see cref="Jobs.JobMasterProtocol"/>). Both live on the leader's node today;
/// the codecs keep them off any polymorphic serializer should that change (and under <c>serialize-messages</c>).</summary>
public sealed class JobMasterProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "job master", Version2, Codecs)
{
    public const int SerializerId = 4725;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    /// <summary>Version 2: <see cref="WidthChanged"/> carries the stage's key group table, task generations, epoch and
    /// leaving tasks.</summary>
    public const byte Version2 = 2;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<ClusterView>("cluster", (w, m) => ClusterView(w, m), ClusterView),
        Codec.Of<WorkerGone>("worker-gone", (w, m) => { w.Str(m.Node); ClusterView(w, m.Cluster); }, r => new WorkerGone(r.Str(), ClusterView(r))),
        Codec.Of<RestartUnreported>("restart-unreported", (w, m) => { w.Str(m.Why); w.Long(m.ElapsedMs); w.Int(m.WorkerMembers); },
            r => new RestartUnreported(r.Str(), r.Long(), r.Int())),
        Codec.Empty<AskWorkers>("ask-workers"),
        Codec.Of<TaskSlot>("slot", (w, m) => w.TaskSlot(m), r => r.TaskSlot()),
        Codec.Of<JobView>("view", (w, m) => JobView(w, m), JobView),
        Codec.Of<WidthChanged>("width", (w, m) => { w.Str(m.JobId); w.Int(m.Stage); w.Int(m.Width); w.Optional(m.Table, w.Ints); w.Ints(m.Generations); w.Int(m.Epoch); w.Optional(m.Leaving, w.Ints); },
            r => r.Version >= Version2
                ? new WidthChanged(r.Str(), r.Int(), r.Int(), r.Optional(r.Ints), r.Ints(), r.Int(), r.Optional(r.Ints))
                : new WidthChanged(r.Str(), r.Int(), r.Int(), null, [], 0)),
        Codec.Of<JobFinished>("finished", (w, m) => { w.JobEnded(m.Record); JobView(w, m.Final); }, r => new JobFinished(r.JobEnded(), JobView(r))),
    ];

    private static void ClusterView(WireWriter w, ClusterView v)
    {
        w.Map(v.Workers, w.Str, w.Ref);
        w.Map(v.OtherLoad, w.Str, w.Int);
    }

    private static ClusterView ClusterView(WireReader r) => new(r.Map(r.Str, r.Ref), r.Map(r.Str, r.Int));

    private static void JobView(WireWriter w, JobView v)
    {
        w.JobSummary(v.Summary); w.Enum(v.Phase); w.List(v.Tasks, w.TaskInfo); w.List(v.Slots, w.TaskSlot);
        w.List(v.Recoveries, w.RecoveryInfo); w.Date(v.PublishedAt); w.Optional(v.Scaling, s => w.List(s, w.ScalingEntry));
    }

    private static JobView JobView(WireReader r) => new(r.JobSummary(), r.Enum<Jobs.JobPhase>(), r.List(r.TaskInfo), r.List(r.TaskSlot),
        r.List(r.RecoveryInfo), r.Date(), r.Optional(() => r.List(r.ScalingEntry)));
}
