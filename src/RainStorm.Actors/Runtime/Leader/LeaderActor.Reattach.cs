using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Worker;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// Re-attaching to running jobs after the leader moved: every worker is asked which tasks it runs
/// (<see cref="RecoveryProtocol.ReportTasks"/>; the worker members of the cluster are asked directly, before their
/// next registration), and the tasks nobody reported (they died with the old leader's node) are restarted as soon as
/// every worker member answered (<see cref="ReattachTracker"/>) by the jobs' masters, at the latest at their reattach
/// check after <c>rainstorm.recovery.reattach-timeout</c>. exactly_once jobs keep being re-asked at that interval until
/// they end, so a completion or routing update lost while the cluster changes is repeated.
/// </summary>
public sealed partial class LeaderActor
{
    private sealed class ReattachTimeout
    {
        public static readonly ReattachTimeout Instance = new();
    }

    private readonly ReattachTracker _reattach = new();
    /// <summary>Runs from the take-over until every worker member answered or the reattach timeout passed.</summary>
    private Stopwatch? _reattaching;

    private void ReceiveReattach()
    {
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members) OnMember(member);
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            OnMember(e.Member);
            if (e is ClusterEvent.MemberRemoved && _tableRecovered) ReattachIfAllReported();
        });
        Receive<RecoveryProtocol.TasksReported>(OnTasksReported, _ => _tableRecovered);
        Receive<ReattachTimeout>(_ =>
        {
            if (_reattaching is null) return;
            _reattaching = null;
            // Each master restarts its unreported tasks at its own reattach check.
            _log.Warning("Re-attach: the reattach timeout ({0} s) passed without an answer from worker(s) {1}",
                _recovery.ReattachTimeout.TotalSeconds, string.Join(", ", _reattach.Unanswered));
        });
    }

    private void SubscribeToWorkerMembers() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    private void OnMember(Member member)
    {
        if (member.HasRole(RainStormOptions.WorkerRole)) _reattach.OnWorkerMember(NodeName.Of(member.Address), member.Status);
    }

    /// <summary>The job table is back with running jobs: ask the registered workers and every worker member.</summary>
    private void BeginReattach()
    {
        _reattaching = Stopwatch.StartNew();
        Timers.StartSingleTimer("reattach-timeout", ReattachTimeout.Instance, _recovery.ReattachTimeout);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, worker) in _workers)
        {
            worker.Tell(new RecoveryProtocol.ReportTasks());
            asked.Add(node);
        }
        // Workers register every 2 s; asking their agents by path now saves waiting for that.
        foreach (var member in Cluster.Get(Context.System).State.Members.Where(m => m.HasRole(RainStormOptions.WorkerRole)))
        {
            if (!asked.Add(NodeName.Of(member.Address))) continue;
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / WorkerAgent.Name).Tell(new RecoveryProtocol.ReportTasks());
        }
        _log.Info("Re-attach: asked {0} worker node(s) for their tasks ({1} worker member(s) in the cluster)", asked.Count, _reattach.WorkerMembers);
    }

    private void OnTasksReported(RecoveryProtocol.TasksReported reported)
    {
        // A worker asked by path may answer before its next registration: it is registered by its answer.
        AddWorker(reported.Node, Sender);
        _reattach.OnAnswered(reported.Node);
        if (_reattaching is null) return;
        _log.Info("Re-attach: worker {0} reported its {1} task(s) {2} ms after the take-over; waiting for: {3}", reported.Node,
            reported.Count, _reattaching.ElapsedMilliseconds, _reattach.EveryWorkerAnswered ? "none" : string.Join(", ", _reattach.Unanswered));
        ReattachIfAllReported();
    }

    /// <summary>Every worker member answered: a task still unreported died with the old leader's node.</summary>
    private void ReattachIfAllReported()
    {
        if (_reattaching is null || !_reattach.EveryWorkerAnswered) return;
        var elapsed = _reattaching.ElapsedMilliseconds;
        _reattaching = null;
        Timers.Cancel("reattach-timeout");
        var why = $"was not reported by any of the {_reattach.WorkerMembers} live worker nodes after the leader moved (its node is gone)";
        foreach (var master in _masters.Values) master.Tell(new JobMasterProtocol.RestartUnreported(why, elapsed, _reattach.WorkerMembers));
    }
}
