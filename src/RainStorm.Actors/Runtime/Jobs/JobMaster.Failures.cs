using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Failures. When a task dies (kill_task, an operator crash, its node removed from the cluster) the whole job restarts
/// from its last completed checkpoint as a new attempt (docs/checkpoints.md), each failed task's chain on another node
/// when one is available, with ids, actor names and edges that carry the new attempt, so nothing of the old run is
/// mistaken for the new one. After a leader move, tasks nobody reports died with the old leader's node and restart
/// the job the same way.
/// </summary>
public sealed partial class JobMaster
{
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

        /// <summary>A restart from a checkpoint replays no journal: its replay figures are zero.</summary>
        public RecoveryInfo Info() => new(Id.ToString(), Reason, OldNode, NewNode, FailedAt, Restarted, FirstOutput, 0, TimeSpan.Zero);
    }

    private readonly List<Recovery> _recoveries = [];

    private void ReceiveFailures()
    {
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
        if (tasks.Count > 0) RestartJob($"task {tasks[0].Id} {why}", tasks);
    }

    /// <summary>A task died: the job restarts from its last checkpoint.</summary>
    private void OnTaskDied(TaskState task, string reason)
    {
        if (task.State == TaskRunStatus.Completed) return;
        task.State = TaskRunStatus.Failed;
        RestartJob(reason, [task]);
    }

    /// <summary>A re-attached task runs (after a leader move): give it its routing, and the stage before it its address.</summary>
    private void OnTaskReattached(TaskState task)
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
    }

    /// <summary>A worker node left the cluster (downed and removed): a job with an unfinished task there restarts from
    /// its last checkpoint.</summary>
    private void OnWorkerGone(string node)
    {
        if (_job.Retiring.Values.Any(t => t.Node == node))
        {
            RestartJob($"worker node {node} left the cluster while a task that left its stage in a rescale was finishing there");
            return;
        }
        var lost = _job.Tasks.Values.Where(t => t.Node == node && t.State != TaskRunStatus.Completed).ToList();
        if (lost.Count > 0) RestartJob($"worker node {node} left the cluster while running tasks of the job", lost);
    }

    /// <summary>A task died, or its node left: restart the job from its last checkpoint (from its source when none
    /// completed yet) as the next attempt, or fail it once it was restarted <c>rainstorm.recovery.max-restarts</c> times
    /// or no worker is left.</summary>
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
        AbandonRescale("the job restarted from its last checkpoint after a failure");
        _checkpoint = null;
        RefuseWaitingRescales("the job restarted from its last checkpoint after a failure");
        var failedAttempt = _job.Attempt;
        foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(_job.Id, failedAttempt));
        var load = _workers.Keys.ToDictionary(n => n, n => _otherLoad.GetValueOrDefault(n));
        _job.NextAttemptKeepingShape();
        _job.PlaceShaped(Placement.Chains(_job.Widths.Max(), _job.StageCount + 1, load));
        if (_job.CheckpointId == 0) _log.Warning("job {0} restarted from its source (attempt {1}): {2}", _job.Id, _job.Attempt, reason);
        else _log.Warning("job {0} restarted from checkpoint {1} (attempt {2}): {3}", _job.Id, _job.CheckpointId, _job.Attempt, reason);
        RecordRecoveries(failed ?? [], reason, load);
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
        if (reported.Attempt <= _job.Attempt || !_job.Tasks.Values.Any(t => t.State == TaskRunStatus.Recovering)) return;
        var previous = _job.Attempt;
        if (_job.Tasks.Values.Any(t => t.Actor is not null))
            foreach (var worker in _workers.Values) worker.Tell(new StopJobTasks(_job.Id, previous));
        _job.AdoptAttempt(reported.Attempt);
        _log.Warning("Job {0}: re-attaching to attempt {1} (the job was restarted before the leader moved)", _job.Id, _job.Attempt);
    }
}
