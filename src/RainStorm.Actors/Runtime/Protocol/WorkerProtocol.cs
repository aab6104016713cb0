using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Protocol;

/// <summary>Messages between the leader singleton and the worker agents.</summary>
public static class WorkerProtocol
{
    /// <summary>Worker → leader, at start and then periodically (so a new leader learns every worker).
    /// Node is the worker's host:port.</summary>
    public sealed record RegisterWorker(string Node, IActorRef Worker);

    /// <summary>Leader → worker. → <see cref="TaskStarted"/> (or <see cref="TaskFailed"/>).</summary>
    public sealed record StartTask(TaskSpec Spec);

    /// <summary>Pid: the node-unique task number (list_tasks shows a user operator's OS pid once it runs).</summary>
    public sealed record TaskStarted(TaskId Id, string Node, IActorRef Task, int Pid, string Log);

    /// <summary>Leader → worker: stop every task of the job (it completed, failed or was killed), or only those of
    /// one <see cref="Attempt"/> (an at-least-once job restarting from its source, a stale run reporting).</summary>
    public sealed record StopJobTasks(string JobId, int? Attempt = null);

    /// <summary>Job master → worker: stop one task that left its job in a rescale (it completed its part).</summary>
    public sealed record StopTask(TaskId Id);

    /// <summary>Leader → worker: crash the task abruptly (kill_task).</summary>
    public sealed record CrashTask(TaskId Id);

    /// <summary>Anyone → leader: the registered workers. → <see cref="WorkerList"/></summary>
    public sealed record ListWorkers;
    public sealed record WorkerList(IReadOnlyList<string> Nodes);

    /// <summary>Worker → leader, every report interval: the latest report of each of its tasks.</summary>
    public sealed record WorkerReport(string Node, IReadOnlyList<TaskReport> Tasks);
}
