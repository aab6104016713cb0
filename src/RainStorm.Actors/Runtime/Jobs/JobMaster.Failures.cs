using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Failures. An exactly_once job's task that dies (kill_task, an operator crash, its node removed from the cluster) is
/// started again, on another node when one is available; it recovers from its journal, and the tasks around it get
/// fresh routing so retries reach the new incarnation. An at-least-once job keeps no journal to recover a task from
/// (what it had acknowledged but not passed on would be lost): as Flink does without checkpoints, the whole job is
/// restarted from its source as a new attempt, with ids, actor names and edges that carry the new attempt, so nothing
/// of the old run is mistaken for the new one (the destination keeps what the old run appended; lines may appear twice).
/// After a leader move, tasks nobody reports died with the old leader's node and are restarted the same way.
/// </summary>
public sealed partial class JobMaster
{
    private sealed record RestartCheck(TaskId Id, int Attempt);

    private sealed class ReattachCheck
    {
        public static readonly ReattachCheck Instance = new();
    }

    /// <summary>The record of one restart (mutable while the replacement comes up).</summary>
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

    private void ReceiveFailures()
    {
        Receive<RestartCheck>(check =>
        {
            if (!_job.Tasks.TryGetValue(check.Id, out var task) && !_job.Retiring.TryGetValue(check.Id, out task)) return;
            if (task.Actor is not null || _restarts.GetValueOrDefault(check.Id) != check.Attempt) return;
            Restart(task, $"task {task.Id} did not start on {task.Node} within {_settings.TaskStartTimeout.TotalSeconds:0} s");
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
            var recovery = _recoveries.LastOrDefault(r => r.Id == first.Id)
                           ?? _recoveries.LastOrDefault(r => r.Id.Stage == first.Id.Stage && r.Id.Index == first.Id.Index && r.Id.Attempt < first.Id.Attempt);
            if (recovery is null || recovery.FirstOutput is not null || recovery.Restarted is null) return;
            recovery.FirstOutput = recovery.Clock.Elapsed;
            _log.Info("Task {0} recovery: first output from the replacement on {1} {2} ms after the failure",
                first.Id, recovery.NewNode, (long)recovery.FirstOutput.Value.TotalMilliseconds);
        });
        Receive<ReattachCheck>(_ =>
        {
            var unreported = Unreported();
            if (unreported.Count > 0)
            {
                _log.Warning("Job {0}: reattach timeout ({1} s) passed: restarting the {2} task(s) nobody reported",
                    _job.Id, _recovery.ReattachTimeout.TotalSeconds, unreported.Count);
                RestartUnreported(unreported, "was not reported by any worker within the reattach timeout after the leader moved (its node is gone)");
            }
            // Until the job ends, ask again now and then: a TaskCompleted or a routing update lost in the hand-over is
            // repeated (re-attaching pushes routing again, and senders resend what is unacknowledged).
            if (!_job.IsRunning) return;
            Context.Parent.Tell(new AskWorkers());
            Timers.StartSingleTimer("reattach", ReattachCheck.Instance, _recovery.ReattachTimeout);
        });
        Receive<RestartUnreported>(restart =>
        {
            var unreported = Unreported();
            _log.Warning("Job {0}: re-attach done {1} ms after the take-over: all {2} worker node(s) reported, {3} task(s) re-attached, " +
                         "restarting the {4} task(s) nobody reported now", _job.Id, restart.ElapsedMs, restart.WorkerMembers,
                _job.Tasks.Values.Count(t => t.Actor is not null), unreported.Count);
            RestartUnreported(unreported, restart.Why);
        });
    }

    private List<TaskState> Unreported() =>
        _job.Tasks.Values.Concat(_job.Retiring.Values).Where(t => t.Actor is null && t.State == TaskRunStatus.Recovering).OrderBy(t => t.Id.Stage).ThenBy(t => t.Id.Index).ToList();

    private void RestartUnreported(IReadOnlyList<TaskState> tasks, string why)
    {
        if (!Journaled)
        {
            if (tasks.Count > 0) RestartJob($"task {tasks[0].Id} {why}", tasks);
            return;
        }
        foreach (var task in tasks)
        {
            if (!_job.IsRunning) break;
            Restart(task, $"task {task.Id} {why}");
        }
    }

    /// <summary>A task died: restart it when its job is exactly_once, otherwise restart the job from its source.</summary>
    private void OnTaskDied(TaskState task, string reason)
    {
        if (task.State == TaskRunStatus.Completed) return;
        if (!Journaled)
        {
            task.State = TaskRunStatus.Failed;
            RestartJob(reason, [task]);
            return;
        }
        _log.Warning("Job {0}: failure detected: {1}", _job.Id, reason);
        Restart(task, reason);
    }

    private void Restart(TaskState task, string reason)
    {
        var attempt = _restarts.GetValueOrDefault(task.Id) + 1;
        _restarts[task.Id] = attempt;
        if (attempt > _recovery.MaxRestarts)
        {
            task.State = TaskRunStatus.Failed;
            EndJob(JobStatus.Failed, $"{reason} (restarted {_recovery.MaxRestarts} times already)");
            return;
        }
        if (_workers.Count == 0)
        {
            task.State = TaskRunStatus.Failed;
            EndJob(JobStatus.Failed, $"{reason}; no worker node is left to restart it on");
            return;
        }
        var oldNode = task.Node;
        var load = Load();
        // Tasks of one chain that die together (their node left) restart together, so forward edges stay local.
        var chainmate = _job.Tasks.Values.FirstOrDefault(t => t.Id.Index == task.Id.Index && t.Id != task.Id
            && t.State == TaskRunStatus.Restarting && t.Node != oldNode && _workers.ContainsKey(t.Node));
        var node = chainmate?.Node ?? load.Where(p => p.Key != oldNode).OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key).FirstOrDefault() ?? oldNode;
        if (!_workers.ContainsKey(node)) node = load.OrderBy(p => p.Value).First().Key;
        task.Actor = null;
        task.Node = node;
        task.State = TaskRunStatus.Restarting;
        task.Report = null;
        _workers[node].Tell(new StartTask(SpecOf(task.Id)));
        _recoveries.Add(new Recovery(task.Id, reason, oldNode, node));
        _log.Warning("Job {0}: task {1} ({2}) restarted: {3} -> {4} (restart {5})", _job.Id, task.Id, task.Op, oldNode, node, attempt);
        Timers.StartSingleTimer($"restart-{task.Id}", new RestartCheck(task.Id, attempt), _settings.TaskStartTimeout);
    }

    /// <summary>A restarted task runs again: give it its routing, and the stage before it the new address.</summary>
    private void OnTaskRestarted(TaskState task)
    {
        var stage = task.Id.Stage;
        task.Actor!.Tell(RoutingOf(task));
        if (_job.Retiring.ContainsKey(task.Id))
            task.Actor.Tell(new RescaleProtocol.Retire(task.Id)); // it left its stage: nothing is routed to it
        else if (stage > 0)
        {
            foreach (var up in _job.StageTasks(stage - 1).Where(t => t.Actor is not null && t.State != TaskRunStatus.Completed))
                up.Actor!.Tell(RoutingOf(up));
            // After a leader move a rescale may have stopped half way (rolled back): edges it had the task expect from
            // tasks that never ran are forgotten (only never-used or ended edges are).
            if (_start == Start.Reattach)
            {
                var upstream = Placement.Upstream(_job, stage, task.Id.Index);
                var leaving = _job.Retiring.Keys.Where(t => t.Stage == stage - 1).Select(t => t.Index);
                task.Actor.Tell(new RescaleProtocol.ExpectUpstream(task.Id, upstream,
                    Enumerable.Range(0, ScalingConfig.MaxTasksPerStage).Except(upstream).Except(leaving).ToArray()));
                // State of key groups the task does not own by the journaled table (handed over in a rescale whose
                // release the old leader never sent, or taken over in one it never committed) is dropped.
                if (_job.StatefulStages[stage - 1])
                {
                    var table = Placement.TableInto(_job, stage);
                    task.Actor.Tell(new RescaleProtocol.Release(task.Id, Enumerable.Range(0, table.Length).Where(g => table[g] != task.Id.Index).ToArray()));
                }
            }
        }
        var recovery = _recoveries.LastOrDefault(r => r.Id == task.Id);
        if (recovery is not null && recovery.Restarted is null)
        {
            recovery.Restarted = recovery.Clock.Elapsed;
            recovery.NewNode = task.Node;
            _log.Info("Job {0}: task {1} running again on {2}, {3} ms after the failure", _job.Id, task.Id, task.Node,
                (long)recovery.Restarted.Value.TotalMilliseconds);
        }
    }

    /// <summary>A worker node left the cluster (downed and removed): its exactly_once tasks move to live nodes; an
    /// at-least-once job with an unfinished task there restarts from its source.</summary>
    private void OnWorkerGone(string node)
    {
        if (!Journaled && _job.Retiring.Values.Any(t => t.Node == node))
        {
            RestartJob($"worker node {node} left the cluster while a task that left its stage in a rescale was finishing there");
            return;
        }
        if (!_job.Tasks.Values.Concat(_job.Retiring.Values).Any(t => t.Node == node)) return;
        var reason = $"worker node {node} left the cluster while running tasks of the job";
        if (!Journaled)
        {
            var lost = _job.Tasks.Values.Where(t => t.Node == node && t.State != TaskRunStatus.Completed).ToList();
            if (lost.Count > 0) RestartJob(reason, lost);
            return;
        }
        _log.Warning("Job {0}: failure detected: {1}", _job.Id, reason);
        foreach (var task in _job.Tasks.Values.Concat(_job.Retiring.Values).Where(t => t.Node == node && t.State != TaskRunStatus.Completed)
                     .OrderBy(t => t.Id.Stage).ToList())
        {
            if (!_job.IsRunning) break;
            Restart(task, $"node {node} failed");
        }
    }

    /// <summary>A task of an at-least-once job died, or its node left: restart the job from its source as the next
    /// attempt, or fail it once it was restarted <c>rainstorm.recovery.max-restarts</c> times or no worker is left.</summary>
    /// <param name="failed">The tasks that died (each gets a recovery record, and its chain another node when one is left).</param>
    private void RestartJob(string reason, IReadOnlyList<TaskState>? failed = null)
    {
        _log.Warning("Job {0}: failure detected: {1}", _job.Id, reason);
        var restarts = _job.Attempt - 1;
        if (restarts >= _recovery.MaxRestarts)
        {
            EndJob(JobStatus.Failed, $"{reason} (the job was restarted {restarts} times already, the limit)");
            return;
        }
        if (_workers.Count == 0)
        {
            EndJob(JobStatus.Failed, $"{reason}; no worker node is left to restart the job on");
            return;
        }
        var fromCheckpoint = CheckpointMode != CheckpointMode.None;
        AbandonRescale(fromCheckpoint ? "the job restarted from its last checkpoint after a failure" : "the job restarted from its source after a failure");
        _checkpoint = null;
        RefuseWaitingRescales("the job restarted from its last checkpoint after a failure");
        var failedAttempt = _job.Attempt;
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(_job.Id, failedAttempt));
        var load = _workers.Keys.ToDictionary(n => n, n => _otherLoad.GetValueOrDefault(n));
        if (fromCheckpoint)
        {
            _job.NextAttemptKeepingShape();
            _job.PlaceShaped(Placement.Chains(_job.Widths.Max(), _job.StageCount + 1, load));
            if (_job.CheckpointId == 0) _log.Warning("job {0} restarted from its source (attempt {1}): {2}", _job.Id, _job.Attempt, reason);
            else _log.Warning("job {0} restarted from checkpoint {1} (attempt {2}): {3}", _job.Id, _job.CheckpointId, _job.Attempt, reason);
            RecordRecoveries(failed ?? [], reason, load);
        }
        else
        {
            _job.NextAttempt();
            _log.Warning("job {0} restarted from its source (attempt {1}): {2}", _job.Id, _job.Attempt, reason);
            _job.Place(Placement.Chains(_job.Plan.TasksPerStage, _job.StageCount + 1, load));
        }
        Become(() => Launching(JobPhase.Restarting));
        StartScheduledTasks();
        Timers.StartSingleTimer("start", new StartTimeout(_job.Attempt), _settings.TaskStartTimeout);
    }

    /// <summary>A restart from a checkpoint: each failed task's chain goes to another live node (the least loaded) when its
    /// new place is the one it died on, and the failure gets a recovery record under the failed task's id (the first
    /// output of the task of the same stage and index in the new attempt ends it).</summary>
    private void RecordRecoveries(IReadOnlyList<TaskState> failed, string reason, IReadOnlyDictionary<string, int> load)
    {
        foreach (var dead in failed)
        {
            var chain = _job.Tasks.Values.Where(t => t.Id.Index == dead.Id.Index).ToList();
            var replacement = chain.FirstOrDefault(t => t.Id.Stage == dead.Id.Stage);
            if (replacement is null) continue;
            if (replacement.Node == dead.Node)
            {
                var other = load.Where(p => p.Key != dead.Node).OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault();
                if (other is not null) foreach (var task in chain) task.Node = other;
            }
            _recoveries.Add(new Recovery(dead.Id, reason, dead.Node, replacement.Node));
        }
    }

    /// <summary>A leader that took over re-attaches to whatever attempt the workers run: a report of a later attempt
    /// than the job table knows (the old leader restarted the job) while tasks are still unattached makes that attempt
    /// the job's, and the tasks of the attempt left behind are stopped.</summary>
    private void AdoptReportedAttempt(TaskId reported)
    {
        if (Journaled || reported.Attempt <= _job.Attempt || !_job.Tasks.Values.Any(t => t.State == TaskRunStatus.Recovering)) return;
        var previous = _job.Attempt;
        if (_job.Tasks.Values.Any(t => t.Actor is not null))
            foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(_job.Id, previous));
        _job.AdoptAttempt(reported.Attempt);
        _log.Warning("Job {0}: re-attaching to attempt {1} (the job was restarted from its source before the leader moved)", _job.Id, _job.Attempt);
    }
}
