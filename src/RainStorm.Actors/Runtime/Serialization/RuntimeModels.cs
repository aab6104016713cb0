using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Wire;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>The models nested in runtime messages, written and read field by field, so each message codec is a line.</summary>
public static class RuntimeModels
{
    public static void TaskId(this WireWriter w, TaskId id)
    {
        w.Str(id.JobId); w.Int(id.Stage); w.Int(id.Index); w.Int(id.Attempt); w.Int(id.Generation);
    }

    public static TaskId TaskId(this WireReader r) => new(r.Str(), r.Int(), r.Int(), r.Int(), r.Int());

    public static void JobSummary(this WireWriter w, JobSummary s)
    {
        w.Str(s.JobId); w.Str(s.Status); w.Int(s.Stages); w.Int(s.Tasks); w.Long(s.TuplesIn); w.Long(s.TuplesOut);
        w.Time(s.Elapsed); w.Str(s.CommandLine); w.Optional(s.FailureReason, w.Str); w.Optional(s.Widths, w.Ints);
    }

    public static JobSummary JobSummary(this WireReader r) => new(r.Str(), r.Str(), r.Int(), r.Int(), r.Long(), r.Long(),
        r.Time(), r.Str(), r.Optional(r.Str), r.Optional(r.Ints));

    public static void TaskInfo(this WireWriter w, TaskInfo t)
    {
        w.Str(t.Task); w.Str(t.JobId); w.Int(t.Stage); w.Str(t.Op); w.Str(t.Node); w.Int(t.Pid); w.Str(t.State);
        w.Double(t.InPerSecond); w.Double(t.OutPerSecond); w.Str(t.Backpressure); w.Str(t.Log);
    }

    public static TaskInfo TaskInfo(this WireReader r) => new(r.Str(), r.Str(), r.Int(), r.Str(), r.Str(), r.Int(), r.Str(),
        r.Double(), r.Double(), r.Str(), r.Str());

    public static void ScalingEntry(this WireWriter w, ScalingEntry e)
    {
        w.Int(e.Stage); w.Str(e.Operator); w.Int(e.From); w.Int(e.To); w.Double(e.PerTaskRate); w.Str(e.Reason);
        w.DateOffset(e.At); w.Str(e.By); w.Optional(e.Refusal, w.Str);
    }

    public static ScalingEntry ScalingEntry(this WireReader r) => new(r.Int(), r.Str(), r.Int(), r.Int(), r.Double(), r.Str(),
        r.DateOffset(), r.Str(), r.Optional(r.Str));

    public static void RecoveryInfo(this WireWriter w, RecoveryProtocol.RecoveryInfo i)
    {
        w.Str(i.Task); w.Str(i.Reason); w.Str(i.OldNode); w.Str(i.NewNode); w.Date(i.FailedAt);
        w.Optional(i.Restarted, w.Time); w.Optional(i.FirstOutput, w.Time); w.Long(i.ReplayedEvents); w.Time(i.ReplayDuration);
    }

    public static RecoveryProtocol.RecoveryInfo RecoveryInfo(this WireReader r) => new(r.Str(), r.Str(), r.Str(), r.Str(), r.Date(),
        r.OptionalValue(r.Time), r.OptionalValue(r.Time), r.Long(), r.Time());

    public static void KeyGroupsOwned(this WireWriter w, KeyGroupsOwned o)
    {
        w.Int(o.Epoch); w.Ints(o.Groups);
    }

    public static KeyGroupsOwned KeyGroupsOwned(this WireReader r) => new(r.Int(), r.Ints());

    public static void TaskReport(this WireWriter w, TaskReport t)
    {
        w.TaskId(t.Id); w.Enum(t.State); w.Long(t.TuplesIn); w.Long(t.TuplesOut); w.Double(t.InPerSecond); w.Double(t.OutPerSecond);
        w.Str(t.Backpressure); w.Optional(t.OperatorPid, w.Int); w.Long(t.Backlog); w.Double(t.BusyFraction);
        w.Optional(t.GroupsOut, groups => w.List(groups, w.Long));
    }

    /// <param name="withGroups">The layout carries <see cref="TaskProtocol.TaskReport.GroupsOut"/> (task and worker
    /// protocols since version 2).</param>
    public static TaskReport TaskReport(this WireReader r, bool withGroups) => new(r.TaskId(), r.Enum<TaskPhase>(), r.Long(), r.Long(), r.Double(), r.Double(),
        r.Str(), r.OptionalValue(r.Int), r.Long(), r.Double(), withGroups ? r.Optional(() => r.List(r.Long)) : null);

    public static void JobPlan(this WireWriter w, JobPlan p)
    {
        w.List(p.Stages, s => { w.Str(s.Op); w.Str(s.Arg); });
        w.Int(p.TasksPerStage); w.Str(p.Source); w.Str(p.Destination); w.Bool(p.ExactlyOnce); w.Bool(p.Autoscale);
        w.Double(p.InputRate); w.Double(p.LowWatermark); w.Double(p.HighWatermark);
    }

    public static JobPlan JobPlan(this WireReader r) => new(r.List(() => new StageSpec(r.Str(), r.Str())),
        r.Int(), r.Str(), r.Str(), r.Bool(), r.Bool(), r.Double(), r.Double(), r.Double());

    public static void StageRouting(this WireWriter w, StageRouting s)
    {
        w.Enum(s.Mode); w.Ints(s.GroupToTask); w.List(s.Tasks, w.Ref); w.Int(s.Epoch);
    }

    public static StageRouting StageRouting(this WireReader r) => new(r.Enum<RoutingMode>(), r.Ints(), r.List(r.Ref), r.Int());

    public static void TaskSpec(this WireWriter w, TaskSpec s)
    {
        w.TaskId(s.Id); w.JobPlan(s.Plan); w.Int(s.StageTasks); w.Ints(s.UpstreamTasks); w.Str(s.OperatorDir); w.Int(s.SourceBlockBytes);
        w.Enum(s.Checkpoints); w.Optional(s.RestoreFrom, w.Str);
    }

    /// <param name="withCheckpoints">The layout ends with the checkpoint mode and the manifest to restore from.</param>
    public static TaskSpec TaskSpec(this WireReader r, bool withCheckpoints)
    {
        var spec = new TaskSpec(r.TaskId(), r.JobPlan(), r.Int(), r.Ints(), r.Str(), r.Int());
        return withCheckpoints ? spec with { Checkpoints = r.Enum<Checkpoints.CheckpointMode>(), RestoreFrom = r.Optional(r.Str) } : spec;
    }

    public static void KeyGroupState(this WireWriter w, IReadOnlyDictionary<int, byte[]> state) => w.Map(state, w.Int, w.Bytes);

    public static IReadOnlyDictionary<int, byte[]> KeyGroupState(this WireReader r) => r.Map(r.Int, r.Bytes);

    public static void JobEnded(this WireWriter w, JobJournal.JobEnded e)
    {
        w.Str(e.JobId); w.Str(e.Status); w.Optional(e.Reason, w.Str); w.Long(e.TuplesIn); w.Long(e.TuplesOut);
    }

    public static JobJournal.JobEnded JobEnded(this WireReader r) => new(r.Str(), r.Str(), r.Optional(r.Str), r.Long(), r.Long());

    public static void TaskSlot(this WireWriter w, JobMasterProtocol.TaskSlot s)
    {
        w.TaskId(s.Id); w.Str(s.Node); w.Int(s.Number); w.Int(s.Pid); w.Enum(s.Status);
    }

    public static JobMasterProtocol.TaskSlot TaskSlot(this WireReader r) => new(r.TaskId(), r.Str(), r.Int(), r.Int(), r.Enum<TaskRunStatus>());
}
