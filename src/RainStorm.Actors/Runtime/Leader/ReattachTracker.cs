using Akka.Cluster;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// The early re-attach decision of a leader that took over: which worker nodes are members of the cluster and which
/// of them answered <see cref="Recovery.RecoveryProtocol.ReportTasks"/> to the end (a
/// <see cref="Recovery.RecoveryProtocol.TasksReported"/> after their TaskStarted/TaskCompleted). Once every worker
/// member answered, a running job's task that nobody reported died with the old leader's node: the leader restarts it
/// at once instead of waiting out <c>rainstorm.recovery.reattach-timeout</c> (which stays the fallback).
/// </summary>
/// <remarks>A member that is down but not yet removed still counts: it may still be running tasks (one live writer
/// per journal), so the decision waits for its removal or for the timeout.</remarks>
public sealed class ReattachTracker
{
    private readonly Dictionary<string, MemberStatus> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

    /// <summary>A worker member's current status (from the cluster state and member events).</summary>
    public void OnWorkerMember(string node, MemberStatus status)
    {
        if (status == MemberStatus.Removed)
        {
            _workers.Remove(node);
            _answered.Remove(node); // a new incarnation on the same address must answer again
            return;
        }
        _workers[node] = status;
    }

    /// <summary>A worker node finished answering ReportTasks.</summary>
    public void OnAnswered(string node) => _answered.Add(node);

    /// <summary>The worker agent on the node is gone (watched and terminated): what it answered no longer holds.</summary>
    public void OnWorkerGone(string node) => _answered.Remove(node);

    /// <summary>Worker members that have not answered yet, ordered.</summary>
    public IReadOnlyList<string> Unanswered => _workers.Keys.Where(n => !_answered.Contains(n)).Order(StringComparer.Ordinal).ToList();

    public int WorkerMembers => _workers.Count;

    /// <summary>True once there is at least one worker member and every one of them answered.</summary>
    public bool EveryWorkerAnswered => _workers.Count > 0 && _workers.Keys.All(_answered.Contains);
}
