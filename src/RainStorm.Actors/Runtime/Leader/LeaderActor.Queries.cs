using Akka.Actor;
using Akka.Event;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>The leader's answers to the command host: jobs, waiting and following, tasks, kills.</summary>
public sealed partial class LeaderActor
{
    private void ReceiveQueries()
    {
        Receive<ListWorkers>(_ => Sender.Tell(new WorkerList(_workers.Keys.Order(StringComparer.Ordinal).ToList())));
        Receive<ListJobs>(_ => Sender.Tell(new JobList(OrderedJobs().Select(j => j.Summary()).ToList())));
        Receive<WaitJob>(wait =>
        {
            if (!_jobs.TryGetValue(wait.JobId, out var job))
            {
                Sender.Tell(new CommandFailed(UnknownJob(wait.JobId)));
                return;
            }
            if (!job.IsRunning)
            {
                Sender.Tell(new JobEnded(job.Summary()));
                return;
            }
            // Idempotent: waiters repeat WaitJob now and then, so a leader that took over learns them too.
            Context.Watch(Sender);
            if (!wait.Follow)
            {
                job.Waiters.Add(Sender);
                return;
            }
            if (job.Followers.Add(Sender) && job.Followers.Count == 1 && job.RoutingSent) SetFollow(job, true);
        });
        Receive<StopWaiting>(stop =>
        {
            if (_jobs.TryGetValue(stop.JobId, out var job)) StopWaiting(job, stop.Waiter);
        });
        Receive<ListTasks>(list =>
        {
            if (list.JobId is { } id && !_jobs.ContainsKey(id))
            {
                Sender.Tell(new CommandFailed(UnknownJob(id)));
                return;
            }
            var tasks = OrderedJobs()
                .Where(j => list.JobId is null ? j.IsRunning : j.Id == list.JobId)
                .SelectMany(j => j.Tasks.Values.OrderBy(t => t.Id.Stage).ThenBy(t => t.Id.Index).Select(t => t.Info(j.Id)))
                .ToList();
            Sender.Tell(new TaskList(tasks));
        });
        Receive<KillTask>(kill =>
        {
            var task = _jobs.Values.Where(j => j.IsRunning).SelectMany(j => j.Tasks.Values)
                .FirstOrDefault(t => t.State == "RUNNING" && t.Node == kill.Node && (t.Pid == kill.Pid || t.Number == kill.Pid));
            if (task is null || !_workers.TryGetValue(task.Node, out var worker))
            {
                Sender.Tell(new CommandFailed($"no running task with pid {kill.Pid} on node {kill.Node} (see list_tasks)"));
                return;
            }
            _log.Warning("kill_task: killing task {0} on {1} (pid {2})", task.Id, task.Node, kill.Pid);
            worker.Tell(new CrashTask(task.Id));
            Sender.Tell(new TaskKilled(task.Id.ToString()));
        });
        Receive<KillJob>(kill =>
        {
            if (!_jobs.TryGetValue(kill.JobId, out var job))
            {
                Sender.Tell(new CommandFailed(UnknownJob(kill.JobId)));
                return;
            }
            if (!job.IsRunning)
            {
                Sender.Tell(new CommandFailed($"job {job.Id} already ended ({job.Status})"));
                return;
            }
            _log.Warning("kill_job: killing job {0}", job.Id);
            EndJob(job, JobState.Killed, "killed by kill_job");
            Sender.Tell(new JobKilled(job.Id));
        });
    }

    private IEnumerable<JobState> OrderedJobs() => _jobs.Values.OrderBy(j => int.Parse(j.Id.AsSpan(4)));

    private string UnknownJob(string id) =>
        $"no job '{id}'" + (_jobs.Count == 0 ? " (no jobs yet)" : $" (jobs: {string.Join(", ", OrderedJobs().Select(j => j.Id))})");
}
