using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// Task recovery: an exactly_once job's task that dies (kill_task, an operator crash, its node removed from the
/// cluster) is started again, on another node when one is available; it recovers from its journal, and the tasks
/// around it get fresh routing so retries reach the new incarnation. A job without exactly_once keeps no journal to
/// recover a task from: it is restarted whole from its source instead (LeaderActor.JobRestart.cs).
/// </summary>
public sealed partial class LeaderActor
{
    private sealed record RestartCheck(TaskId Id, int Attempt);

    /// <summary>The leader's record of one restart (mutable while the replacement comes up).</summary>
    private sealed class Recovery(TaskId id, string reason, string oldNode, string newNode)
    {
        public TaskId Id { get; } = id;
        public string Reason { get; } = reason;
        public string OldNode { get; } = oldNode;
        public string NewNode { get; set; } = newNode;
        public DateTime FailedAt { get; } = DateTime.UtcNow;
        public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();
        public TimeSpan? Restarted { get; set; }
        public TimeSpan? FirstOutput { get; set; }
        public long ReplayedEvents { get; set; }
        public TimeSpan ReplayDuration { get; set; }

        public RecoveryInfo Info() => new(Id.ToString(), Reason, OldNode, NewNode, FailedAt, Restarted, FirstOutput, ReplayedEvents, ReplayDuration);
    }

    private readonly List<Recovery> _recoveries = [];
    private readonly Dictionary<TaskId, int> _restarts = new();
    private RecoverySettings? _recoverySettings;

    private RecoverySettings RecoveryConfig => _recoverySettings ??= RecoverySettings.Create(Context.System);

    private void ReceiveRecovery()
    {
        Receive<RestartCheck>(check =>
        {
            if (!_jobs.TryGetValue(check.Id.JobId, out var job) || !job.IsRunning || !job.Tasks.TryGetValue(check.Id, out var task)) return;
            if (task.Actor is not null || _restarts.GetValueOrDefault(check.Id) != check.Attempt) return;
            Restart(job, task, $"task {task.Id} did not start on {task.Node} within {_settings.TaskStartTimeout.TotalSeconds:0} s");
        });
        Receive<TaskRecovered>(recovered =>
        {
            var recovery = _recoveries.LastOrDefault(r => r.Id == recovered.Id);
            if (recovery is null) return;
            recovery.ReplayedEvents = recovered.ReplayedEvents;
            recovery.ReplayDuration = recovered.Duration;
            _log.Info("Task {0} recovered on {1}: replayed {2} journal events ({3}), {4} tuples to resend, in {5} ms",
                recovered.Id, recovery.NewNode, recovered.ReplayedEvents, recovered.FromSnapshot ? "after a snapshot" : "no snapshot",
                recovered.ReplayedTuples, (long)recovered.Duration.TotalMilliseconds);
        });
        Receive<FirstOutput>(first =>
        {
            var recovery = _recoveries.LastOrDefault(r => r.Id == first.Id);
            if (recovery is null || recovery.FirstOutput is not null || recovery.Restarted is null) return;
            recovery.FirstOutput = recovery.Clock.Elapsed;
            _log.Info("Task {0} recovery: first output from the replacement on {1} {2} ms after the failure",
                first.Id, recovery.NewNode, (long)recovery.FirstOutput.Value.TotalMilliseconds);
        });
        Receive<ListRecoveries>(_ => Sender.Tell(new RecoveryList(_recoveries.Select(r => r.Info()).ToList())));
    }

    /// <summary>A task died: restart it when its job is exactly_once, otherwise restart the job from its source.</summary>
    private void OnTaskDied(JobState job, TaskState task, string reason)
    {
        if (task.State == "COMPLETED") return;
        if (!job.Plan.ExactlyOnce)
        {
            task.State = "FAILED";
            RestartJob(job, reason);
            return;
        }
        _log.Warning("Job {0}: failure detected: {1}", job.Id, reason);
        Restart(job, task, reason);
    }

    private void Restart(JobState job, TaskState task, string reason)
    {
        var attempt = _restarts.GetValueOrDefault(task.Id) + 1;
        _restarts[task.Id] = attempt;
        if (attempt > RecoveryConfig.MaxRestarts)
        {
            task.State = "FAILED";
            EndJob(job, JobState.Failed, $"{reason} (restarted {RecoveryConfig.MaxRestarts} times already)");
            return;
        }
        if (_workers.Count == 0)
        {
            task.State = "FAILED";
            EndJob(job, JobState.Failed, $"{reason}; no worker node is left to restart it on");
            return;
        }
        var oldNode = task.Node;
        var load = Load();
        // Tasks of one chain that die together (their node left) restart together, so forward edges stay local.
        var chainmate = job.Tasks.Values.FirstOrDefault(t => t.Id.Index == task.Id.Index && t.Id != task.Id
            && t.State == "RESTARTING" && t.Node != oldNode && _workers.ContainsKey(t.Node));
        var node = chainmate?.Node ?? load.Where(p => p.Key != oldNode).OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key).FirstOrDefault() ?? oldNode;
        if (!_workers.ContainsKey(node)) node = load.OrderBy(p => p.Value).First().Key;
        task.Actor = null;
        task.Node = node;
        task.State = "RESTARTING";
        task.Report = null;
        var upstream = task.Id.Stage == 0 ? [] : Placement.Upstream(job, task.Id.Stage, task.Id.Index);
        _workers[node].Tell(new StartTask(new TaskSpec(task.Id, job.Plan, job.Plan.TasksPerStage, upstream, _operatorDir, job.SourceBlockBytes)));
        _recoveries.Add(new Recovery(task.Id, reason, oldNode, node));
        _log.Warning("Job {0}: task {1} ({2}) restarted: {3} -> {4} (restart {5})", job.Id, task.Id, task.Op, oldNode, node, attempt);
        Timers.StartSingleTimer($"restart-{task.Id}", new RestartCheck(task.Id, attempt), _settings.TaskStartTimeout);
    }

    /// <summary>A restarted task runs again: give it its routing, and the stage before it the new address.</summary>
    private void OnTaskRestarted(JobState job, TaskState task)
    {
        var stage = task.Id.Stage;
        var downstream = stage < job.StageCount ? Placement.RoutingInto(job, stage + 1) : null;
        task.Actor!.Tell(new Routing(task.Id, downstream, job.Followers.Count > 0));
        if (stage > 0)
        {
            var into = Placement.RoutingInto(job, stage);
            foreach (var up in job.StageTasks(stage - 1).Where(t => t.Actor is not null && t.State != "COMPLETED"))
                up.Actor!.Tell(new Routing(up.Id, into, job.Followers.Count > 0));
        }
        var recovery = _recoveries.LastOrDefault(r => r.Id == task.Id);
        if (recovery is not null && recovery.Restarted is null)
        {
            recovery.Restarted = recovery.Clock.Elapsed;
            recovery.NewNode = task.Node;
            _log.Info("Job {0}: task {1} running again on {2}, {3} ms after the failure", job.Id, task.Id, task.Node,
                (long)recovery.Restarted.Value.TotalMilliseconds);
        }
    }

    /// <summary>A worker node left the cluster (downed and removed): its exactly_once tasks move to live nodes; an
    /// at-least-once job with an unfinished task there restarts from its source.</summary>
    private void OnWorkerGone(string node)
    {
        foreach (var job in _jobs.Values.Where(j => j.IsRunning && j.Tasks.Values.Any(t => t.Node == node)).ToList())
        {
            var reason = $"worker node {node} left the cluster while running tasks of the job";
            if (!job.Plan.ExactlyOnce)
            {
                if (job.Tasks.Values.Any(t => t.Node == node && t.State != "COMPLETED")) RestartJob(job, reason);
                continue;
            }
            _log.Warning("Job {0}: failure detected: {1}", job.Id, reason);
            foreach (var task in job.Tasks.Values.Where(t => t.Node == node && t.State != "COMPLETED").OrderBy(t => t.Id.Stage).ToList())
            {
                if (!job.IsRunning) break;
                Restart(job, task, $"node {node} failed");
            }
        }
    }
}
