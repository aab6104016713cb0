using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// The restart back-off (<see cref="RestartBackoff"/>): a task that reports a failure after it was already restarted
/// is handled only once its back-off has passed. A failure of a task replaced meanwhile (the job restarted by another
/// path, e.g. its node left) is dropped then.
/// </summary>
public sealed partial class JobMaster
{
    private sealed record BackedOff(TaskFailed Failed, IActorRef? Actor);

    private readonly HashSet<TaskId> _backingOff = [];
    private RestartBackoff? _restartBackoff;

    private RestartBackoff Backoff => _restartBackoff ??= RestartBackoff.Create(Context.System.Settings.Config.GetConfig("rainstorm.recovery"));

    /// <summary>True when the failure is deferred (or already is); the caller handles it now otherwise.</summary>
    private bool DeferredByBackoff(TaskState task, TaskFailed failed)
    {
        if (_backingOff.Contains(task.Id)) return true;
        var delay = Backoff.Delay(_job.Attempt - 1);
        if (delay <= TimeSpan.Zero) return false;
        _backingOff.Add(task.Id);
        _log.Info("Job {0}: task {1} failed again; restarting it in {2} ms", _job.Id, task.Id, (long)delay.TotalMilliseconds);
        Timers.StartSingleTimer($"backoff-{task.Id}", new BackedOff(failed, task.Actor), delay);
        return true;
    }

    private void ReceiveBackoff() => Receive<BackedOff>(backedOff =>
    {
        var failed = backedOff.Failed;
        _backingOff.Remove(failed.Id);
        if (!_job.Tasks.TryGetValue(failed.Id, out var task)) return;
        if (!Equals(task.Actor, backedOff.Actor)) return;
        OnTaskDied(task, failed.Reason);
    });
}
