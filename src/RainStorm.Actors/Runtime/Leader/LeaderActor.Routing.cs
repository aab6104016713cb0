using Akka.Actor;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>Command routing: what workers and tasks report goes to the master of its job (forwarded, so the master
/// answers the worker), what masters publish is kept for the queries, and each master knows the workers and their load.</summary>
public sealed partial class LeaderActor
{
    private void ReceiveFromWorkers()
    {
        Receive<TaskStarted>(started =>
        {
            if (_masters.TryGetValue(started.Id.JobId, out var master)) master.Forward(started);
            else Sender.Tell(new StopJobTasks(started.Id.JobId));
        });
        Receive<TaskCompleted>(completed => ToMaster(completed.Id.JobId, completed));
        Receive<TaskFailed>(failed => ToMaster(failed.Id.JobId, failed));
        Receive<OutputLines>(lines => ToMaster(lines.JobId, lines));
        Receive<RecoveryProtocol.FirstOutput>(first => ToMaster(first.Id.JobId, first));
        Receive<WorkerReport>(report =>
        {
            foreach (var perJob in report.Tasks.GroupBy(t => t.Id.JobId))
                if (_masters.TryGetValue(perJob.Key, out var master)) master.Tell(new WorkerReport(report.Node, perJob.ToList()));
        });
    }

    private void ReceiveFromMasters()
    {
        Receive<JobView>(view =>
        {
            if (!_masters.ContainsKey(view.Summary.JobId)) return; // published before the end, arriving after it
            var before = _views.GetValueOrDefault(view.Summary.JobId);
            _views[view.Summary.JobId] = view;
            if (before is null || !SameNodes(before, view)) PushCluster(except: view.Summary.JobId);
        });
        Receive<JobFinished>(finished =>
        {
            var jobId = finished.Final.Summary.JobId;
            if (!_masters.Remove(jobId, out var master)) return;
            Context.Unwatch(master);
            master.Tell(PoisonPill.Instance); // after what was forwarded to it already (Context.Stop would drop that)
            _views[jobId] = finished.Final;
            JournalJobEnded(finished.Record);
            PushCluster();
        });
        Receive<JobCommands.JobKilled>(killed => Sender.Tell(killed)); // from a job master, after its JobFinished: to the requester
        Receive<WidthChanged>(changed => _journal?.Tell(new JobJournal.StageRescaled(changed.JobId, changed.Stage, changed.Width,
            changed.Table, changed.Generations, changed.Epoch, changed.Leaving)));
        Receive<JobJournal.TaskRetired>(retired => _journal?.Tell(retired));
        Receive<JobJournal.CheckpointCompleted>(completed => _journal?.Tell(completed));
        Receive<JobJournal.CheckpointJournaled>(journaled =>
        {
            if (_masters.TryGetValue(journaled.JobId, out var master)) master.Tell(journaled);
        });
        Receive<JobJournal.RescaleJournaled>(journaled =>
        {
            if (_masters.TryGetValue(journaled.JobId, out var master)) master.Tell(journaled);
        });
        Receive<JobJournal.RetireJournaled>(journaled =>
        {
            if (_masters.TryGetValue(journaled.JobId, out var master)) master.Tell(journaled);
        });
        Receive<AskWorkers>(_ =>
        {
            foreach (var worker in _workers.Values) worker.Tell(new RecoveryProtocol.ReportTasks());
        });
    }

    private void ToMaster(string jobId, object message)
    {
        if (_masters.TryGetValue(jobId, out var master)) master.Forward(message);
    }

    /// <summary>Tasks per worker node over every running job (placement spreads by it).</summary>
    private Dictionary<string, int> Load(string? except = null)
    {
        var load = _workers.Keys.ToDictionary(n => n, _ => 0);
        foreach (var view in _views.Values.Where(v => v.IsRunning && v.Summary.JobId != except))
            foreach (var slot in view.Slots)
                if (load.ContainsKey(slot.Node)) load[slot.Node]++;
        return load;
    }

    private ClusterView ClusterFor(string jobId) => new(new Dictionary<string, IActorRef>(_workers), Load(except: jobId));

    /// <summary>Tells every master (but <paramref name="except"/>) the workers and the other jobs' load.</summary>
    private void PushCluster(string? except = null)
    {
        foreach (var (jobId, master) in _masters)
            if (jobId != except) master.Tell(ClusterFor(jobId));
    }

    private static bool SameNodes(JobView a, JobView b) =>
        a.Slots.Count == b.Slots.Count && a.Slots.Select(s => s.Node).Order(StringComparer.Ordinal)
            .SequenceEqual(b.Slots.Select(s => s.Node).Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
