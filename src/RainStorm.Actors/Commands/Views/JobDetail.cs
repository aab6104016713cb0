using System.Text.Json.Nodes;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Commands.Views;

/// <summary>One stage of a job as <c>job</c> shows it: width = its tasks now, rates summed over them, the worst
/// backpressure among them.</summary>
public sealed record StageView(int Stage, string Op, string Arg, int Width, int Running, double InPerSecond, double OutPerSecond, string Backpressure);

/// <summary>
/// One job in depth (<c>job &lt;id&gt;</c>, <c>GET /api/v1/jobs/{id}</c>): its line and plan, stages with their width,
/// totals, rates, the task restarts the leader made for it and its rescale decisions. One model, rendered as text or JSON.
/// </summary>
public sealed record JobDetail(JobSummary Summary, JobPlan? Plan, IReadOnlyList<StageView> Stages, IReadOnlyList<RecoveryInfo> Recoveries,
    IReadOnlyList<ScalingEntry> Scaling)
{
    private static readonly string[] Levels = ["OK", "LOW", "HIGH"];

    public static JobDetail Of(JobSummary job, TaskList tasks, RecoveryList recoveries, ScalingHistory scaling)
    {
        var plan = JobViews.PlanOf(job);
        var stages = Enumerable.Range(0, job.Stages + 1).Select(stage =>
        {
            var ofStage = tasks.Tasks.Where(t => t.Stage == stage).ToList();
            var (op, arg) = stage == 0
                ? ("source", plan?.Source ?? "")
                : plan is not null && stage <= plan.Stages.Count ? (plan.Stages[stage - 1].Op, plan.Stages[stage - 1].Arg) : (ofStage.FirstOrDefault()?.Op ?? "?", "");
            return new StageView(stage, op, arg, ofStage.Count, ofStage.Count(t => t.State == "RUNNING"),
                ofStage.Sum(t => t.InPerSecond), ofStage.Sum(t => t.OutPerSecond),
                Levels[ofStage.Select(t => Array.IndexOf(Levels, t.Backpressure)).DefaultIfEmpty(0).Max()]);
        }).ToList();
        var prefix = job.JobId + "/";
        return new JobDetail(job, plan, stages, recoveries.Recoveries.Where(r => r.Task.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            scaling.Entries);
    }

    public Table StageTable()
    {
        var table = new Table(new Column("STAGE", "stage"), new Column("OP", "op"), new Column("ARG", "arg"), new Column("WIDTH", "width"),
            new Column("RUNNING", "running"), new Column("IN/s", "in_per_s"), new Column("OUT/s", "out_per_s"), new Column("BACKPRESSURE", "backpressure"));
        foreach (var s in Stages) table.Add(s.Stage, s.Op, s.Arg, s.Width, s.Running, s.InPerSecond, s.OutPerSecond, s.Backpressure);
        return table;
    }

    public Table RecoveryTable()
    {
        var table = new Table(new Column("TASK", "task"), new Column("FAILED_AT", "failed_at"), new Column("FROM", "from"), new Column("TO", "to"),
            new Column("RESTARTED", "restarted"), new Column("FIRST_OUTPUT", "first_output"), new Column("REASON", "reason"));
        foreach (var r in Recoveries)
            table.Add(r.Task, r.FailedAt.ToUniversalTime().ToString("O"), r.OldNode, r.NewNode, r.Restarted, r.FirstOutput, r.Reason);
        return table;
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = Summary.JobId,
        ["status"] = Summary.Status,
        ["command_line"] = Summary.CommandLine,
        ["source"] = Plan?.Source,
        ["destination"] = Plan?.Destination,
        ["exactly_once"] = Plan?.ExactlyOnce,
        ["autoscale"] = Plan?.Autoscale,
        ["input_rate"] = Plan?.InputRate,
        ["in"] = Summary.TuplesIn,
        ["out"] = Summary.TuplesOut,
        ["elapsed"] = Table.JsonValueOf(Summary.Elapsed),
        ["failure"] = Summary.FailureReason,
        ["stages"] = StageTable().ToJson(),
        ["recoveries"] = RecoveryTable().ToJson(),
        ["scaling"] = JobViews.Scaling(Scaling).ToJson(),
    };

    public IReadOnlyList<string> ToLines()
    {
        var lines = new List<string>
        {
            $"Job {Summary.JobId} {Summary.Status}: {Summary.TuplesIn} tuples in, {Summary.TuplesOut} out, {Table.Text(Summary.Elapsed)}",
            $"  {Summary.CommandLine}",
        };
        if (Summary.FailureReason is { } reason) lines.Add($"  failed: {reason}");
        lines.AddRange(StageTable().ToLines());
        lines.Add(Recoveries.Count == 0 ? "no task restarts" : $"{Recoveries.Count} task restart{(Recoveries.Count == 1 ? "" : "s")}:");
        if (Recoveries.Count > 0) lines.AddRange(RecoveryTable().ToLines());
        lines.Add(Scaling.Count == 0 ? "no rescales" : $"{Scaling.Count} rescale decision{(Scaling.Count == 1 ? "" : "s")}:");
        if (Scaling.Count > 0) lines.AddRange(JobViews.Scaling(Scaling).ToLines());
        return lines;
    }
}
