using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Scaling;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.RescaleProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Live rescale of one operator stage (docs/elastic.md), the job master's rescaling phase: the stage in front holds back
/// the key groups that move until their old owners acknowledged everything sent to them (see
/// <see cref="HeldGroups"/> for when the whole output is held), new tasks start, the key groups that move (the fewest,
/// <see cref="KeyGroupMover"/>) go from their old owner to their new one with their state, the stages around expect
/// their new edges, tasks that leave finish and stop, and the new routing (next epoch) releases the hold.
/// </summary>
public sealed partial class JobMaster
{
    private RescaleRun? _rescale;
    private int _rescales;

    /// <summary>Why this rescale cannot run now, or null when it can.</summary>
    private string? RescaleRefusal(RescaleStage request)
    {
        var stages = _job.StageCount;
        if (request.Stage == 0)
            return $"stage 0 is {_job.Id}'s source, which is not rescaled; its operator stages are 1..{stages}";
        if (request.Stage < 0 || request.Stage > stages)
            return $"{_job.Id} has no stage {request.Stage}; its operator stages are 1..{stages} (see list_tasks)";
        if (request.Tasks < 1)
            return $"a stage needs at least 1 task, not {request.Tasks}";
        if (request.Tasks > ScalingConfig.MaxTasksPerStage)
            return $"at most {ScalingConfig.MaxTasksPerStage} tasks per stage (rainstorm.scaling.max-tasks-per-stage), not {request.Tasks}";
        if (request.Tasks > _job.Widths[request.Stage] && request.Tasks > StageCapacity(request.Stage))
            return $"the workers have task slots for at most {StageCapacity(request.Stage)} tasks in stage {request.Stage} of {_job.Id} " +
                   $"({ScalingConfig.TaskSlotsPerWorker} per worker, rainstorm.scaling.task-slots-per-worker, on {_workers.Count} workers, " +
                   $"the rest taken by running tasks), not {request.Tasks}";
        if (request.Tasks == _job.Widths[request.Stage])
            return $"stage {request.Stage} of {_job.Id} already has {request.Tasks} task{(request.Tasks == 1 ? "" : "s")}";
        if (_job.Retiring.Count > 0 || _retiredUnjournaled.Count > 0)
            return $"tasks of {_job.Id} that left in the last rescale are still finishing; try again in a moment";
        var around = _job.Tasks.Values.Where(t => t.Id.Stage == 0 || t.Id.Stage == request.Stage - 1 || t.Id.Stage == request.Stage);
        if (around.Any(t => t.State != TaskRunStatus.Running || t.Report is { State: TaskPhase.Draining or TaskPhase.Completed }))
            return $"{_job.Id} is draining (its source is read to the end) or a task of stage {request.Stage} or the one before is not running; it is not rescaled now";
        return null;
    }

    /// <summary>The widest stage <paramref name="stage"/> may become on the workers' free task slots.</summary>
    private int StageCapacity(int stage) => WorkerSlots.WidestStage(_job.Widths[stage], Load().Values, ScalingConfig.TaskSlotsPerWorker);

    private void OnRescaleRequest(RescaleStage request)
    {
        if (StartRescale(request, Sender) is { } refusal) Sender.Tell(new CommandFailed(refusal));
    }

    /// <summary>Starts the rescale (the command's or the autoscaler's); the reason it cannot run, or null.</summary>
    private string? StartRescale(RescaleStage request, IActorRef? requester)
    {
        if (RescaleRefusal(request) is { } refusal) return refusal;
        // A rescale moves key groups between checkpoints, never across one: it waits for the one under way.
        if (_checkpoint is not null)
        {
            _rescalesAfterCheckpoint.Add((request, requester));
            return null;
        }
        var stage = request.Stage;
        int[]? oldTable = null, newTable = null;
        if (_job.StatefulStages[stage - 1])
        {
            oldTable = Placement.TableInto(_job, stage);
            newTable = KeyGroupMover.Rebalance(oldTable, request.Tasks, _groupLoad.Weights(stage));
        }
        _rescale = new RescaleRun(++_rescales, stage, _job.Widths[stage], request.Tasks, requester, oldTable, newTable, _job.ShapeOf(stage));
        if (requester is not null)
            _scalingHistory.Add(new ScalingEntry(stage, _job.OperatorOf(stage), _rescale.From, _rescale.To, 0, "rescale command",
                DateTimeOffset.UtcNow, "command", null));
        _log.Info("Job {0}: rescaling stage {1} ({2}) {3} -> {4} tasks{5}", _job.Id, stage, _job.OperatorOf(stage), _rescale.From, _rescale.To,
            oldTable is null ? "" : $", moving {KeyGroupMover.Moved(oldTable, newTable!).Count()} of {oldTable.Length} key groups");
        Become(Rescaling);
        var upstream = _job.StageTasks(stage - 1).ToList();
        _rescale.Begin(RescaleStep.Holding, upstream.Select(t => t.Id));
        foreach (var task in upstream) task.Actor!.Tell(new Hold(task.Id, _rescale.Number, HeldGroups(_rescale, task)));
        return null;
    }

    /// <summary>What task <paramref name="upstream"/> of the stage in front holds back, while the rest flows on: the
    /// tuples of the key groups that change owner (stateful stage) or whose owner leaves (stateless stage). Over a
    /// forward edge a task holds all of its output if the task it feeds leaves, else nothing. Asked before the new
    /// shape takes effect.</summary>
    private int[]? HeldGroups(RescaleRun run, TaskState upstream)
    {
        if (Placement.ModeInto(_job, run.Stage) == RoutingMode.Forward) return upstream.Id.Index >= run.To ? null : [];
        if (run.OldTable is not null) return KeyGroupMover.Moved(run.OldTable, run.NewTable!).ToArray();
        var table = Placement.TableInto(_job, run.Stage);
        return Enumerable.Range(0, table.Length).Where(g => table[g] >= run.To).ToArray();
    }

    private void Rescaling()
    {
        _phase = JobPhase.Rescaling;
        Receive<RescaleStage>(_ => Sender.Tell(new CommandFailed(
            $"{_job.Id} is rescaling stage {_rescale!.Stage} already; try again when that is done")));
        Receive<Held>(held =>
        {
            if (_rescale!.Answered(RescaleStep.Holding, held.Task, held.Rescale)) StartNewTasks();
        });
        Receive<TaskStarted>(started =>
        {
            // Workers re-report every task now and then (exactly_once jobs, re-attached jobs): a task re-reported as it runs
            // gets no routing while the rescale runs (that would end a hold before its stage is quiet).
            if (_job.Tasks.TryGetValue(started.Id, out var known) && known.State == TaskRunStatus.Running && Equals(known.Actor, started.Task)) return;
            var task = Attach(started);
            if (task is null) return;
            if (_rescale!.Step == RescaleStep.Starting && task.Id.Stage == _rescale.Stage && task.Id.Index >= _rescale.From)
            {
                if (_rescale.Answered(RescaleStep.Starting, task.Id, _rescale.Number)) HandOffGroups();
                return;
            }
            OnTaskReattached(task);
        });
        Receive<HandedOff>(handedOff =>
        {
            if (handedOff.Rescale != _rescale!.Number) return;
            foreach (var (group, state) in handedOff.State) _rescale.MovingState[group] = state;
            if (_rescale.Answered(RescaleStep.HandingOff, handedOff.Task, handedOff.Rescale)) TakeOverGroups();
        });
        Receive<TookOver>(tookOver =>
        {
            if (_rescale!.Answered(RescaleStep.TakingOver, tookOver.Task, tookOver.Rescale)) Connect();
        });
        Receive<UpstreamExpected>(expected =>
        {
            if (_rescale!.Answered(RescaleStep.Connecting, expected.Task, expected.Rescale)) JournalRescale();
        });
        Receive<JobJournal.RescaleJournaled>(journaled =>
        {
            if (_rescale!.Step == RescaleStep.Committing && journaled.Stage == _rescale.Stage && journaled.Epoch == _job.Epoch) CommitRescale();
        });
        Receive<RescaleTimeout>(timeout =>
        {
            if (timeout.Step != _rescale!.Step || timeout.Epoch != _job.Epoch) return;
            if (timeout.Step == RescaleStep.Starting)
            {
                RollBackRescale($"not every new task started within {_settings.TaskStartTimeout.TotalSeconds:0} s");
                return;
            }
            // The commit is never rolled back once asked for: the job table may still write it, and a leader taking
            // over would then find the new shape while the tasks ran the old one. The width is asked for again (the
            // table's journal may have restarted and lost it); journaling the same shape twice is harmless.
            _log.Warning("Job {0}: the job table has not journaled the rescale of stage {1} within {2} s; asking again",
                _job.Id, _rescale.Stage, _settings.TaskStartTimeout.TotalSeconds);
            JournalRescale();
        });
        // A task or node failure before the commit rolls the rescale back (nothing
        // moved yet: old owners keep their key groups until the commit), then the failure is handled as in the running
        // phase (a restart from the checkpoint then runs the shape the job table has).
        Receive<TaskFailed>(failed =>
        {
            if (WaitsForCommit(failed, IsJobTask(failed.Id))) return;
            if (_rescale!.Step != RescaleStep.Committing && IsJobTask(failed.Id))
                RollBackRescale($"task {failed.Id} failed during it");
            OnTaskFailed(failed);
        });
        Receive<WorkerGone>(gone =>
        {
            if (WaitsForCommit(gone, _job.Tasks.Values.Any(t => t.Node == gone.Node))) return;
            if (_rescale!.Step != RescaleStep.Committing && _job.Tasks.Values.Any(t => t.Node == gone.Node))
                RollBackRescale($"worker node {gone.Node} left the cluster during it");
            OnWorkerGoneMessage(gone);
        });
        Receive<StartTimeout>(_ => { });
        Common();
    }

    private sealed record RescaleTimeout(RescaleStep Step, int Epoch);

    private bool IsJobTask(TaskId id) => _job.Tasks.ContainsKey(id) || _job.Retiring.ContainsKey(id);

    /// <summary>The stage in front is held and everything it sent is acknowledged: the new width takes effect in the
    /// job's topology and the tasks it adds start.</summary>
    private void StartNewTasks()
    {
        var run = _rescale!;
        _job.Rescaled(run.Stage, run.To, run.NewTable);
        if (!run.Grows)
        {
            HandOffGroups();
            return;
        }
        var added = new List<TaskId>();
        for (var index = run.From; index < run.To; index++)
        {
            var load = Load();
            var node = load.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            var id = new TaskId(_job.Id, run.Stage, index, _job.Attempt, _job.Epoch);
            _job.Tasks[id] = new TaskState(id, _job.OperatorOf(run.Stage), node);
            added.Add(id);
        }
        run.Begin(RescaleStep.Starting, added);
        foreach (var id in added)
        {
            _workers[_job.Tasks[id].Node].Tell(new StartTask(SpecOf(id)));
            _log.Info("Job {0}: task {1} ({2}) added on {3}", _job.Id, id, _job.OperatorOf(run.Stage), _job.Tasks[id].Node);
        }
        Timers.StartSingleTimer("rescale-start", new RescaleTimeout(RescaleStep.Starting, _job.Epoch), _settings.TaskStartTimeout);
    }

    private TaskState StageTask(int stage, int index) => _job.StageTasks(stage).First(t => t.Id.Index == index);

    /// <summary>Old owners hand the moving key groups over (and keep them until the commit).</summary>
    private void HandOffGroups()
    {
        Timers.Cancel("rescale-start");
        var run = _rescale!;
        var handOffs = run.HandOffs().ToDictionary(h => h.OldTask, h => h.Groups);
        Ask(RescaleStep.HandingOff, handOffs.Keys.Select(index => StageTask(run.Stage, index) is var task
            ? (task, (object)new HandOff(task.Id, handOffs.GetValueOrDefault(index) ?? [], run.Number)) : default).ToList(), TakeOverGroups);
    }

    private void TakeOverGroups()
    {
        var run = _rescale!;
        Ask(RescaleStep.TakingOver, run.TakeOvers().Select(t => StageTask(run.Stage, t.NewTask) is var task
            ? (task, (object)new TakeOver(task.Id, t.State, run.Number)) : default).ToList(), Connect);
    }

    /// <summary>The stage's tasks expect every task in front of it, the next stage's tasks every task of the stage
    /// (forgetting the ended edges of earlier tasks of the indices that come back, so old marks never shadow them).</summary>
    private void Connect()
    {
        var run = _rescale!;
        var added = run.Grows ? Enumerable.Range(run.From, run.To - run.From).ToArray() : null;
        var receivers = _job.StageTasks(run.Stage).Concat(run.Stage < _job.StageCount ? _job.StageTasks(run.Stage + 1) : []);
        Ask(RescaleStep.Connecting, receivers.Select(task => (task, (object)new ExpectUpstream(task.Id,
            Placement.Upstream(_job, task.Id.Stage, task.Id.Index), task.Id.Stage == run.Stage ? null : added, run.Number))).ToList(), JournalRescale);
    }

    /// <summary>The commit point: the leader journals the stage's new width, table and task generations, and only then
    /// does the new routing go out, so a leader taking over finds either the old shape (the rescale is rolled back: the
    /// tasks it added are unknown and stopped, the held ones get the old routing) or the new one (it resumes). Once
    /// asked for, the commit is never rolled back.</summary>
    private void JournalRescale()
    {
        var run = _rescale!;
        run.Begin(RescaleStep.Committing, []);
        var leaving = _job.StageTasks(run.Stage).Where(t => t.Id.Index >= run.To).Select(t => t.Id.Generation).ToArray();
        Context.Parent.Tell(new WidthChanged(_job.Id, run.Stage, run.To, run.NewTable, _job.GenerationsOf(run.Stage), _job.Epoch,
            leaving.Length == 0 ? null : leaving));
        Timers.StartSingleTimer("rescale-commit", new RescaleTimeout(RescaleStep.Committing, _job.Epoch), _settings.TaskStartTimeout);
    }

    /// <summary>Enters <paramref name="step"/> waiting for every task asked; with nobody to ask, goes on to <paramref name="next"/>.</summary>
    private void Ask(RescaleStep step, IReadOnlyList<(TaskState Task, object Message)> asks, Action next)
    {
        _rescale!.Begin(step, asks.Select(a => a.Task.Id));
        if (_rescale.StepDone)
        {
            next();
            return;
        }
        foreach (var (task, message) in asks) task.Actor!.Tell(message);
    }

    /// <summary>The new routing goes out (next epoch): to the stage itself, then to the stage in front, which resumes.
    /// Tasks beyond the new width (their key groups handed off, nothing routed to them any more) then finish what
    /// they hold and complete in the background (<see cref="OnRetired"/>).</summary>
    private void CommitRescale()
    {
        Timers.Cancel("rescale-commit");
        var run = _rescale!;
        var leaving = _job.StageTasks(run.Stage).Where(t => t.Id.Index >= run.To).ToList();
        foreach (var task in leaving) _job.Retire(task);
        foreach (var task in _job.StageTasks(run.Stage)) task.Actor!.Tell(RoutingOf(task));
        foreach (var task in _job.StageTasks(run.Stage - 1)) task.Actor!.Tell(RoutingOf(task));
        foreach (var task in leaving) task.Actor!.Tell(new Retire(task.Id));
        foreach (var (oldTask, groups) in run.HandOffs().Where(h => h.OldTask < run.To))
            StageTask(run.Stage, oldTask).Actor!.Tell(new Release(StageTask(run.Stage, oldTask).Id, groups));
        _log.Info($"Job {_job.Id}: stage {run.Stage} ({_job.OperatorOf(run.Stage)}) rescaled {run.From} -> {run.To} tasks in {run.Clock.ElapsedMilliseconds} ms (epoch {_job.Epoch})");
        run.Requester?.Tell(new StageRescaled(_job.Id, run.Stage, run.From, run.To, run.Clock.Elapsed));
        _policy?.Rescaled(run.Stage, DateTimeOffset.UtcNow);
        _rescale = null;
        Become(Running);
        foreach (var failure in _failuresDuringCommit) Self.Tell(failure);
        _failuresDuringCommit.Clear();
    }

    /// <summary>Failures that came while the commit was being journaled: handled once it is (the job then restarts from
    /// its checkpoint in the shape the job table has).</summary>
    private readonly List<object> _failuresDuringCommit = [];

    private bool WaitsForCommit(object failure, bool concernsJob)
    {
        if (_rescale!.Step != RescaleStep.Committing || !concernsJob) return false;
        _failuresDuringCommit.Add(failure);
        return true;
    }

    /// <summary>Tasks that left their stage and completed, until their end is journaled.</summary>
    private readonly Dictionary<TaskId, TaskState> _retiredUnjournaled = new();

    /// <summary>A task that left its stage completed: its end goes to the job table first (<see cref="OnRetireJournaled"/>
    /// stops it). True when <paramref name="completed"/> was such a task.</summary>
    private bool OnRetired(TaskCompleted completed)
    {
        if (_job.Retired(completed.Id, completed.TuplesOut) is not { } task) return false;
        _log.Info("Job {0}: task {1} left stage {2} ({3} in, {4} out)", _job.Id, task.Id, task.Id.Stage, completed.TuplesIn, completed.TuplesOut);
        _retiredUnjournaled[task.Id] = task;
        JournalRetired(task.Id);
        if (_job.AllCompleted) EndJob(JobStatus.Completed, null);
        return true;
    }

    private sealed record RetireUnjournaled(TaskId Task);

    /// <summary>Asks the job table to journal the task's end, again every few seconds until it did (its journal may be
    /// restarting).</summary>
    private void JournalRetired(TaskId id)
    {
        Context.Parent.Tell(new JobJournal.TaskRetired(_job.Id, id.Stage, id.Index, id.Generation));
        Timers.StartSingleTimer($"retire-{id}", new RetireUnjournaled(id), TimeSpan.FromSeconds(5));
    }

    /// <summary>A retired task's end is journaled: it stops, and the next stage forgets its ended edge (a later task of
    /// that index starts a fresh one). Not before: a leader taking over in between finds the task still there, completed,
    /// rather than restarting it to send its end of stream again on an edge already forgotten.</summary>
    private void OnRetireJournaled(JobJournal.RetireJournaled journaled)
    {
        var id = _retiredUnjournaled.Keys.FirstOrDefault(t => t.Stage == journaled.Stage && t.Index == journaled.Index && t.Generation == journaled.Generation);
        if (id is null || !_retiredUnjournaled.Remove(id, out var task)) return;
        Timers.Cancel($"retire-{id}");
        if (_workers.TryGetValue(task.Node, out var worker)) worker.Tell(new StopTask(task.Id));
        if (task.Id.Stage < _job.StageCount)
            foreach (var next in _job.StageTasks(task.Id.Stage + 1).Where(t => t.Actor is not null))
                next.Actor!.Tell(new ExpectUpstream(next.Id, Placement.Upstream(_job, next.Id.Stage, next.Id.Index), [task.Id.Index]));
    }

    /// <summary>The rescale fails before its commit: the tasks it added stop, the stage takes its old shape back, the
    /// edges expected for it are forgotten (they never carried a batch), and the old routing goes out again, which ends
    /// the hold. Old owners never gave their key groups up, so nothing moved.</summary>
    private void RollBackRescale(string reason)
    {
        var run = _rescale!;
        Timers.Cancel("rescale-start");
        Timers.Cancel("rescale-commit");
        foreach (var task in _job.StageTasks(run.Stage).Where(t => t.Id.Index >= run.From).ToList())
        {
            _job.Tasks.Remove(task.Id);
            if (_workers.TryGetValue(task.Node, out var worker)) worker.Tell(new StopTask(task.Id));
        }
        var widest = Math.Max(run.From, run.To);
        _job.Reshape(run.Stage, run.Before);
        var receivers = _job.StageTasks(run.Stage).Concat(run.Stage < _job.StageCount ? _job.StageTasks(run.Stage + 1) : []);
        foreach (var task in receivers.Where(t => t.Actor is not null))
        {
            var upstream = Placement.Upstream(_job, task.Id.Stage, task.Id.Index);
            var before = task.Id.Stage == run.Stage ? _job.Widths[run.Stage - 1] : widest;
            task.Actor!.Tell(new ExpectUpstream(task.Id, upstream, Enumerable.Range(0, before).Except(upstream).ToArray()));
        }
        foreach (var task in _job.StageTasks(run.Stage - 1).Concat(_job.StageTasks(run.Stage)).Where(t => t.Actor is not null))
            task.Actor!.Tell(RoutingOf(task));
        _log.Warning("Job {0}: rescale of stage {1} {2} -> {3} rolled back: {4}", _job.Id, run.Stage, run.From, run.To, reason);
        run.Requester?.Tell(new CommandFailed($"the rescale of stage {run.Stage} of {_job.Id} was rolled back: {reason}; nothing moved"));
        _policy?.Rescaled(run.Stage, DateTimeOffset.UtcNow);
        _rescale = null;
        Become(Running);
    }

    /// <summary>Rescales asked for while a checkpoint was under way, when the job restarts instead: nothing moved.</summary>
    private void RefuseWaitingRescales(string reason)
    {
        foreach (var (request, requester) in _rescalesAfterCheckpoint)
            requester?.Tell(new CommandFailed($"the rescale of stage {request.Stage} of {_job.Id} was rolled back: {reason}; nothing moved"));
        _rescalesAfterCheckpoint.Clear();
    }

    private void AbandonRescale(string reason)
    {
        if (_rescale is null) return;
        _rescale.Requester?.Tell(new CommandFailed($"the rescale of stage {_rescale.Stage} of {_job.Id} was abandoned: {reason}"));
        _log.Warning("Job {0}: rescale of stage {1} abandoned: {2}", _job.Id, (object)_rescale.Stage, reason);
        _policy?.Rescaled(_rescale.Stage, DateTimeOffset.UtcNow);
        _rescale = null;
    }
}
