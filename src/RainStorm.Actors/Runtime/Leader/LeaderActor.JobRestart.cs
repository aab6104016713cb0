using Akka.Actor;
using Akka.Event;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// Failures of an at-least-once job (exactly_once=false): its tasks keep no journal, so a task that dies cannot be
/// replaced alone (what it had acknowledged but not passed on would be lost). As Flink does without checkpoints, the
/// whole job is restarted from its source as a new attempt: every task of the failed attempt is stopped and all of
/// them are placed and started again, with ids, actor names and edges that carry the new attempt, so nothing of the
/// old run is mistaken for the new one. The destination keeps what the old run appended and the new run appends from
/// the beginning again: nothing is lost, lines may appear twice, stateful operators start empty.
/// </summary>
public sealed partial class LeaderActor
{
    /// <summary>A task of an at-least-once job died, or its node left: restart the job, or fail it once it was
    /// restarted <c>rainstorm.recovery.max-restarts</c> times or no worker is left.</summary>
    private void RestartJob(JobState job, string reason)
    {
        _log.Warning("Job {0}: failure detected: {1}", job.Id, reason);
        var restarts = job.Attempt - 1;
        if (restarts >= RecoveryConfig.MaxRestarts)
        {
            EndJob(job, JobState.Failed, $"{reason} (the job was restarted {restarts} times already, the limit)");
            return;
        }
        if (_workers.Count == 0)
        {
            EndJob(job, JobState.Failed, $"{reason}; no worker node is left to restart the job on");
            return;
        }
        var failed = job.Attempt;
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(job.Id, failed));
        job.NextAttempt();
        _log.Warning("job {0} restarted from its source (attempt {1}): {2}", job.Id, job.Attempt, reason);
        Schedule(job);
        Timers.StartSingleTimer($"start-{job.Id}", new StartTimeout(job.Id, job.Attempt), _settings.TaskStartTimeout);
    }

    /// <summary>A leader that took over re-attaches to whatever attempt the workers run: a report of a later attempt
    /// than the job table knows (the old leader restarted the job) while tasks are still unattached makes that attempt
    /// the job's, and the tasks of the attempt left behind are stopped.</summary>
    private void AdoptReportedAttempt(JobState job, TaskId reported)
    {
        if (job.Plan.ExactlyOnce || reported.Attempt <= job.Attempt || !job.Tasks.Values.Any(t => t.State == "RECOVERING")) return;
        var previous = job.Attempt;
        if (job.Tasks.Values.Any(t => t.Actor is not null))
            foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(job.Id, previous));
        job.AdoptAttempt(reported.Attempt);
        _log.Warning("Job {0}: re-attaching to attempt {1} (the job was restarted from its source before the leader moved)", job.Id, job.Attempt);
    }
}
