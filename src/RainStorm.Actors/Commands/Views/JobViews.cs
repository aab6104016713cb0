using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Commands.Views;

/// <summary>The job models as tables: the CLI renders them as text or <c>-o json</c>, the HTTP API as JSON.</summary>
public static class JobViews
{
    public static Table Jobs(JobList list)
    {
        var table = new Table(
            new Column("ID", "id"), new Column("STATUS", "status"), new Column("STAGES", "stages"), new Column("TASKS", "tasks"),
            new Column("WIDTHS", "widths"), new Column("IN", "in"), new Column("OUT", "out"), new Column("ELAPSED", "elapsed"));
        foreach (var j in list.Jobs)
            table.Add(j.JobId, j.Status, j.Stages, j.Tasks, Widths(j), j.TuplesIn, j.TuplesOut, j.Elapsed);
        return table;
    }

    /// <summary>Each stage's current number of tasks, the source first: <c>3/5/2</c>.</summary>
    public static string Widths(JobSummary job) => job.Widths is { Count: > 0 } w ? string.Join('/', w) : "-";

    public static Table Tasks(TaskList list, IReadOnlyDictionary<string, JobPlan> plans)
    {
        var table = new Table(
            new Column("TASK", "task"), new Column("JOB", "job"), new Column("STAGE", "stage"), new Column("OP", "op"),
            new Column("NODE", "node"), new Column("PID", "pid"), new Column("STATE", "state"), new Column("IN/s", "in_per_s"),
            new Column("OUT/s", "out_per_s"), new Column("BACKPRESSURE", "backpressure"), new Column("LOG", "log"));
        foreach (var t in list.Tasks)
            table.Add(t.Task, t.JobId, t.Stage, OpWithArg(t, plans.GetValueOrDefault(t.JobId)), t.Node, t.Pid, t.State,
                t.InPerSecond, t.OutPerSecond, t.Backpressure, t.Log);
        return table;
    }

    /// <summary>A job's rescale decisions, oldest first (<c>scaling</c>, and the <c>scaling</c> of <c>job</c> and the API).</summary>
    public static Table Scaling(IEnumerable<ScalingEntry> entries)
    {
        var table = new Table(
            new Column("AT", "at"), new Column("STAGE", "stage"), new Column("OP", "op"), new Column("FROM", "from"), new Column("TO", "to"),
            new Column("BY", "by"), new Column("REASON", "reason"), new Column("RESULT", "result"));
        foreach (var e in entries)
            table.Add(e.At.ToString("HH:mm:ss.fff"), e.Stage, e.Operator, e.From, e.To, e.By, e.Reason, e.Refusal ?? "applied");
        return table;
    }

    /// <summary>A job line the leader accepted, parsed back into its plan (null should it not parse).</summary>
    public static JobPlan? PlanOf(JobSummary job)
    {
        try
        {
            return JobCommandParser.Parse(job.CommandLine);
        }
        catch (JobCommandException)
        {
            return null;
        }
    }

    /// <summary>OP as list_tasks shows it: the operator with its argument (<c>Filter "Punched Telespar"</c>), the
    /// source with its HyDFS file.</summary>
    public static string OpWithArg(TaskInfo task, JobPlan? plan)
    {
        if (plan is null) return task.Op;
        if (task.Stage == 0) return $"{task.Op} {CommandLine.Quote(plan.Source)}";
        return task.Stage <= plan.Stages.Count && plan.Stages[task.Stage - 1] is { } stage && stage.Op == task.Op
            ? $"{stage.Op} {CommandLine.Quote(stage.Arg)}"
            : task.Op;
    }
}
