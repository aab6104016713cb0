using Akka.Actor;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Palettes;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Commands.Views;

/// <summary>What the job views need from the leader, and the job controls (kill, kill_task, rescale), asked through
/// its proxy: the palettes and the HTTP API build every leader request here, so both send the same one.</summary>
/// <param name="patience">How long to keep asking while no leader answers (a command's --timeout); each ask waits
/// at most <paramref name="askTimeout"/>.</param>
/// <param name="onWaiting">Told once when the leader stopped answering (a command prints its one line).</param>
public sealed class JobQueries(ActorSystem system, TimeSpan patience, TimeSpan askTimeout, CancellationToken cancellation,
    Func<TimeSpan, Task>? onWaiting = null)
{
    /// <summary>One ask of at most <paramref name="timeout"/> (the HTTP API: a page asks again by itself).</summary>
    public JobQueries(ActorSystem system, TimeSpan timeout, CancellationToken cancellation) : this(system, timeout, timeout, cancellation) { }

    /// <summary>A command's queries ride out a leader move until its --timeout, as every leader-bound command does.</summary>
    public static JobQueries For(CommandCall call)
    {
        var patience = LeaderClient.Patience(call);
        return new(call.System, patience, call.Settings.AskTimeout, call.Cancellation,
            silence => call.WriteNoteAsync(LeaderClient.WaitingLine(silence, patience)));
    }

    public ActorSystem System => system;

    public Task<T> AskAsync<T>(object request) => LeaderClient.AskAsync<T>(system, request, patience, askTimeout, cancellation, onWaiting);

    public Task<JobList> JobsAsync() => AskAsync<JobList>(new ListJobs());

    /// <summary>Null when there is no such job.</summary>
    public async Task<JobSummary?> JobAsync(string jobId) => (await JobsAsync()).Jobs.FirstOrDefault(j => j.JobId == jobId);

    public Task<TaskList> TasksAsync(string? jobId) => AskAsync<TaskList>(new ListTasks(jobId));

    /// <summary>The plans of the listed jobs, from their job lines (the task rows carry only the operator's name).</summary>
    public async Task<Dictionary<string, JobPlan>> PlansAsync(IEnumerable<string> jobIds)
    {
        var wanted = jobIds.ToHashSet();
        if (wanted.Count == 0) return [];
        var jobs = await JobsAsync();
        return jobs.Jobs.Where(j => wanted.Contains(j.JobId)).Select(j => (j.JobId, Plan: JobViews.PlanOf(j)))
            .Where(p => p.Plan is not null).ToDictionary(p => p.JobId, p => p.Plan!);
    }

    public async Task<Commands.Output.Table> TaskTableAsync(string? jobId)
    {
        var list = await TasksAsync(jobId);
        return JobViews.Tasks(list, await PlansAsync(list.Tasks.Select(t => t.JobId)));
    }

    public Task<ScalingHistory> ScalingAsync(string jobId) => AskAsync<ScalingHistory>(new ListScaling(jobId));

    /// <summary>Null when there is no such job.</summary>
    public async Task<JobDetail?> DetailAsync(string jobId)
    {
        if (await JobAsync(jobId) is not { } job) return null;
        var tasks = await TasksAsync(jobId);
        var recoveries = await AskAsync<RecoveryList>(new ListRecoveries());
        var scaling = await ScalingAsync(jobId);
        return JobDetail.Of(job, tasks, recoveries, scaling);
    }

    public Task<JobKilled> KillAsync(string jobId) => AskAsync<JobKilled>(new KillJob(jobId));

    public Task<TaskKilled> KillTaskAsync(string node, int pid) => AskAsync<TaskKilled>(new KillTask(node, pid));

    public Task<StageRescaled> RescaleAsync(string jobId, int stage, int tasks) => AskAsync<StageRescaled>(new RescaleStage(jobId, stage, tasks));
}
