using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>The command host's and the dashboard's requests to the leader, and its answers (<see cref="Protocol.JobCommands"/>).</summary>
public sealed class JobCommandsSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "job command", Version1, Codecs)
{
    public const int SerializerId = 4720;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<SubmitJob>("submit", (w, m) => { w.Str(m.CommandLine); w.Bool(m.Follow); w.Optional(m.IdempotencyKey, w.Str); },
            r => new SubmitJob(r.Str(), r.Bool(), r.Optional(r.Str))),
        Codec.Of<JobSubmitted>("submitted", (w, m) => w.Str(m.JobId), r => new JobSubmitted(r.Str())),
        Codec.Empty<ListJobs>("jobs"),
        Codec.Of<JobList>("job-list", (w, m) => w.List(m.Jobs, w.JobSummary), r => new JobList(r.List(r.JobSummary))),
        Codec.Of<JobSummary>("summary", (w, m) => w.JobSummary(m), r => r.JobSummary()),
        Codec.Of<RescaleStage>("rescale", (w, m) => { w.Str(m.JobId); w.Int(m.Stage); w.Int(m.Tasks); },
            r => new RescaleStage(r.Str(), r.Int(), r.Int())),
        Codec.Of<StageRescaled>("rescaled", (w, m) => { w.Str(m.JobId); w.Int(m.Stage); w.Int(m.From); w.Int(m.To); w.Time(m.Took); },
            r => new StageRescaled(r.Str(), r.Int(), r.Int(), r.Int(), r.Time())),
        Codec.Of<SetJobRate>("set-rate", (w, m) => { w.Str(m.JobId); w.Double(m.TuplesPerSecond); }, r => new SetJobRate(r.Str(), r.Double())),
        Codec.Of<JobRateSet>("rate-set", (w, m) => { w.Str(m.JobId); w.Double(m.TuplesPerSecond); }, r => new JobRateSet(r.Str(), r.Double())),
        Codec.Of<ListScaling>("scaling", (w, m) => w.Str(m.JobId), r => new ListScaling(r.Str())),
        Codec.Of<ScalingHistory>("scaling-history", (w, m) => { w.Str(m.JobId); w.Bool(m.Autoscale); w.List(m.Entries, w.ScalingEntry); },
            r => new ScalingHistory(r.Str(), r.Bool(), r.List(r.ScalingEntry))),
        Codec.Of<ScalingEntry>("scaling-entry", (w, m) => w.ScalingEntry(m), r => r.ScalingEntry()),
        Codec.Of<WaitJob>("wait", (w, m) => { w.Str(m.JobId); w.Bool(m.Follow); }, r => new WaitJob(r.Str(), r.Bool())),
        Codec.Of<JobOutput>("output", (w, m) => { w.Str(m.JobId); w.Strings(m.Lines); }, r => new JobOutput(r.Str(), r.Strings())),
        Codec.Of<JobEnded>("ended", (w, m) => w.JobSummary(m.Job), r => new JobEnded(r.JobSummary())),
        Codec.Of<StopWaiting>("stop-waiting", (w, m) => { w.Str(m.JobId); w.Ref(m.Waiter); }, r => new StopWaiting(r.Str(), r.Ref())),
        Codec.Of<ListTasks>("tasks", (w, m) => w.Optional(m.JobId, w.Str), r => new ListTasks(r.Optional(r.Str))),
        Codec.Of<TaskList>("task-list", (w, m) => w.List(m.Tasks, w.TaskInfo), r => new TaskList(r.List(r.TaskInfo))),
        Codec.Of<TaskInfo>("task-info", (w, m) => w.TaskInfo(m), r => r.TaskInfo()),
        Codec.Of<KillTask>("kill-task", (w, m) => { w.Str(m.Node); w.Int(m.Pid); }, r => new KillTask(r.Str(), r.Int())),
        Codec.Of<TaskKilled>("task-killed", (w, m) => w.Str(m.Task), r => new TaskKilled(r.Str())),
        Codec.Of<KillJob>("kill", (w, m) => w.Str(m.JobId), r => new KillJob(r.Str())),
        Codec.Of<JobKilled>("killed", (w, m) => w.Str(m.JobId), r => new JobKilled(r.Str())),
        Codec.Of<CommandFailed>("failed", (w, m) => w.Str(m.Message), r => new CommandFailed(r.Str())),
    ];
}
