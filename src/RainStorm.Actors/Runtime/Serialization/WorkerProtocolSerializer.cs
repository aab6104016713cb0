using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Leader ↔ worker agent messages (<see cref="Protocol.WorkerProtocol"/>).</summary>
public sealed class WorkerProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "worker", Version3, Codecs)
{
    public const int SerializerId = 4722;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    /// <summary>Version 2: the task reports in <see cref="WorkerReport"/> end with the tuples sent per key group.</summary>
    public const byte Version2 = 2;

    /// <summary>Version 3: the <see cref="TaskSpec"/> of <see cref="StartTask"/> ends with the checkpoint mode and the
    /// manifest to restore from.</summary>
    public const byte Version3 = 3;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<RegisterWorker>("register", (w, m) => { w.Str(m.Node); w.Ref(m.Worker); }, r => new RegisterWorker(r.Str(), r.Ref())),
        Codec.Of<StartTask>("start", (w, m) => w.TaskSpec(m.Spec), r => new StartTask(r.TaskSpec(withCheckpoints: r.Version >= Version3))),
        Codec.Of<TaskStarted>("started", (w, m) => { w.TaskId(m.Id); w.Str(m.Node); w.Ref(m.Task); w.Int(m.Pid); w.Str(m.Log); },
            r => new TaskStarted(r.TaskId(), r.Str(), r.Ref(), r.Int(), r.Str())),
        Codec.Of<StopJobTasks>("stop-job", (w, m) => { w.Str(m.JobId); w.Optional(m.Attempt, w.Int); },
            r => new StopJobTasks(r.Str(), r.OptionalValue(r.Int))),
        Codec.Of<StopTask>("stop-task", (w, m) => w.TaskId(m.Id), r => new StopTask(r.TaskId())),
        Codec.Of<CrashTask>("crash-task", (w, m) => w.TaskId(m.Id), r => new CrashTask(r.TaskId())),
        Codec.Empty<ListWorkers>("workers"),
        Codec.Of<WorkerList>("worker-list", (w, m) => w.Strings(m.Nodes), r => new WorkerList(r.Strings())),
        Codec.Of<WorkerReport>("report", (w, m) => { w.Str(m.Node); w.List(m.Tasks, w.TaskReport); },
            r => new WorkerReport(r.Str(), r.List(() => r.TaskReport(withGroups: r.Version >= Version2)))),
    ];
}
