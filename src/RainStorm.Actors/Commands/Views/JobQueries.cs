using Akka.Actor;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Palettes;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Commands.Views;

/// <summary>What the job views need from the leader, asked through its proxy: by the palettes and the HTTP API.</summary>
public sealed class JobQueries(ActorSystem system, TimeSpan timeout, CancellationToken cancellation)
{
    public static JobQueries For(CommandCall call) => new(call.System, call.Settings.AskTimeout, call.Cancellation);

    public Task<T> AskAsync<T>(object request) => LeaderClient.AskAsync<T>(system, request, timeout, cancellation);

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

    /// <summary>Null when there is no such job.</summary>
    public async Task<JobDetail?> DetailAsync(string jobId)
    {
        if (await JobAsync(jobId) is not { } job) return null;
        var tasks = await TasksAsync(jobId);
        var recoveries = await AskAsync<RecoveryList>(new ListRecoveries());
        return JobDetail.Of(job, tasks, recoveries);
    }
}
