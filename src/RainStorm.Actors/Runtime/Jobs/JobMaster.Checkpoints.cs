using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Checkpoints;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Checkpoints (docs/checkpoints.md): one at a time, every <c>rainstorm.checkpoints.interval</c>, never during a rescale.
/// The job master triggers every task (sources put barriers into their edges; a task whose inputs ended takes part at
/// once), collects their parts, writes the manifest (each task's newest part) to HyDFS, has the leader journal it, and
/// then tells the sinks to commit. A failure restarts the job from the latest journaled checkpoint.
/// </summary>
public sealed partial class JobMaster
{
    private sealed class CheckpointTick
    {
        public static readonly CheckpointTick Instance = new();
    }

    private sealed record ManifestWritten(long Id, string File, CheckpointManifest Manifest);
    private sealed record ManifestFailed(long Id, string Reason);
    private sealed record ManifestLoaded(CheckpointManifest? Manifest);

    private CheckpointRun? _checkpoint;
    private string? _checkpointFile;
    /// <summary>A source asked for a checkpoint while one was under way: the next starts as soon as it ends.</summary>
    private bool _checkpointWanted;
    /// <summary>The latest completed checkpoint's parts (a task that completed keeps its last part in the next ones).</summary>
    private CheckpointManifest? _lastManifest;
    /// <summary>Rescales asked for (by a command, or by the autoscaler without a requester) while a checkpoint ran.</summary>
    private readonly List<(RescaleStage Request, IActorRef? Requester)> _rescalesAfterCheckpoint = [];

    /// <summary>How the job's tasks take part: aligned with exactly_once, unaligned otherwise.</summary>
    private CheckpointMode CheckpointMode => _job.Plan.ExactlyOnce ? CheckpointMode.Aligned : CheckpointMode.Unaligned;

    private void StartCheckpoints()
    {
        Timers.StartPeriodicTimer("checkpoint", CheckpointTick.Instance, _checkpoints.Interval);
        if (_job.CheckpointManifest is { } file)
            new CheckpointStore(Context.System).LoadManifestAsync(file).PipeTo(Self, success: m => new ManifestLoaded(m), failure: _ => new ManifestLoaded(null));
    }

    private void ReceiveCheckpoints()
    {
        Receive<CheckpointTick>(_ => OnCheckpointTick());
        Receive<CheckpointWanted>(_ =>
        {
            if (_checkpoint is null) StartCheckpoint();
            else _checkpointWanted = true;
        });
        Receive<ManifestLoaded>(loaded => _lastManifest ??= loaded.Manifest);
        Receive<CheckpointAck>(ack =>
        {
            if (_checkpoint is not null && _checkpoint.Acknowledged(ack) && _checkpoint.Complete) WriteManifest();
        });
        Receive<ManifestWritten>(written =>
        {
            if (_checkpoint?.Id != written.Id) return;
            _lastManifest = written.Manifest;
            _checkpointFile = written.File;
            Context.Parent.Tell(new JobJournal.CheckpointCompleted(_job.Id, written.Id, written.File));
        });
        Receive<ManifestFailed>(failed =>
        {
            _log.Warning("Job {0}: checkpoint {1} abandoned: its manifest could not be written: {2}", _job.Id, failed.Id, failed.Reason);
            CheckpointEnded();
        });
        Receive<JobJournal.CheckpointJournaled>(journaled =>
        {
            if (_checkpoint?.Id != journaled.Id) return;
            _log.Debug("Job {0}: checkpoint {1} complete in {2} ms", _job.Id, journaled.Id, _checkpoint.Clock.ElapsedMilliseconds);
            _job.Checkpointed(journaled.Id, _checkpointFile!);
            CommitLastCheckpoint();
            CheckpointEnded();
        });
    }

    private void OnCheckpointTick()
    {
        if (_checkpoint is not null)
        {
            if (_checkpoint.Clock.Elapsed < _checkpoints.Timeout) return;
            _log.Warning("Job {0}: checkpoint {1} abandoned: {2} task(s) did not acknowledge it within {3} s", _job.Id, _checkpoint.Id,
                _checkpoint.Waiting, _checkpoints.Timeout.TotalSeconds);
            CheckpointEnded();
            return;
        }
        CommitLastCheckpoint(); // again: a commit lost on its way must not leave a sink waiting
        StartCheckpoint();
    }

    /// <summary>Starts the next checkpoint when the job runs whole and no rescale is under way.</summary>
    private void StartCheckpoint()
    {
        _checkpointWanted = false;
        if (_phase != JobPhase.Running || _rescale is not null || !_job.IsRunning) return;
        var live = _job.Tasks.Values.Concat(_job.Retiring.Values).Where(t => t.State != TaskRunStatus.Completed).ToList();
        if (live.Count == 0 || live.Any(t => t.Actor is null || t.State != TaskRunStatus.Running) || !live.Any(t => t.Id.Stage == 0)) return;
        // Ids only grow, also across leaders (a new leader does not know the ids its predecessor tried).
        var id = Math.Max(_job.CheckpointId + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _checkpoint = new CheckpointRun(id, live.Select(t => t.Id));
        foreach (var task in live) task.Actor!.Tell(new TriggerCheckpoint(id));
    }

    private void WriteManifest()
    {
        _checkpoint!.Writing = true;
        var current = _job.Tasks.Keys.Concat(_job.Retiring.Keys).Select(t => (t.Stage, t.Index)).ToHashSet();
        var manifest = _checkpoint!.Manifest(_job.Id, _lastManifest, entry => current.Contains((entry.Stage, entry.Index)));
        var id = _checkpoint.Id;
        new CheckpointStore(Context.System).SaveManifestAsync(manifest).PipeTo(Self,
            success: file => new ManifestWritten(id, file, manifest), failure: e => new ManifestFailed(id, e.Message));
    }

    private void CommitLastCheckpoint()
    {
        if (_job.CheckpointId == 0 || CheckpointMode != CheckpointMode.Aligned) return;
        foreach (var sink in _job.Tasks.Values.Concat(_job.Retiring.Values)
                     .Where(t => t.Id.Stage == _job.StageCount && t.Actor is not null && t.State != TaskRunStatus.Completed))
            sink.Actor!.Tell(new CommitCheckpoint(_job.CheckpointId));
    }

    /// <summary>The checkpoint under way completed or was abandoned: rescales asked for meanwhile start now, then a
    /// checkpoint a source asked for.</summary>
    private void CheckpointEnded()
    {
        _checkpoint = null;
        var waiting = _rescalesAfterCheckpoint.ToList();
        _rescalesAfterCheckpoint.Clear();
        foreach (var (request, requester) in waiting)
            if (StartRescale(request, requester) is { } refusal) requester?.Tell(new CommandFailed(refusal));
        if (_checkpointWanted) StartCheckpoint();
    }

    /// <summary>A task completed: the checkpoint under way no longer waits for it.</summary>
    private void CheckpointTaskFinished(Protocol.TaskProtocol.TaskId task)
    {
        if (_checkpoint is null) return;
        _checkpoint.Finished(task);
        if (_checkpoint.Complete) WriteManifest();
    }
}
