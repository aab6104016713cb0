using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>The leader's answers to the command host, from the masters' views; what a running job must do itself
/// (waiting, following, being killed) is forwarded to its master.</summary>
public sealed partial class LeaderActor
{
    private void ReceiveQueries()
    {
        Receive<ListWorkers>(_ => Sender.Tell(new WorkerList(_workers.Keys.Order(StringComparer.Ordinal).ToList())));
        Receive<ListJobs>(_ => Sender.Tell(new JobList(OrderedViews().Select(v => v.Current()).ToList())));
        Receive<WaitJob>(wait =>
        {
            if (!_views.TryGetValue(wait.JobId, out var view))
                Sender.Tell(new CommandFailed(UnknownJob(wait.JobId)));
            else if (_masters.TryGetValue(wait.JobId, out var master))
                master.Forward(wait);
            else
                Sender.Tell(new JobEnded(view.Summary));
        });
        Receive<StopWaiting>(stop => ToMaster(stop.JobId, stop));
        Receive<ListTasks>(list =>
        {
            if (list.JobId is { } id && !_views.ContainsKey(id))
            {
                Sender.Tell(new CommandFailed(UnknownJob(id)));
                return;
            }
            var tasks = OrderedViews().Where(v => list.JobId is null ? v.IsRunning : v.Summary.JobId == list.JobId).SelectMany(v => v.Tasks).ToList();
            Sender.Tell(new TaskList(tasks));
        });
        Receive<KillTask>(kill =>
        {
            var slot = _views.Values.Where(v => v.IsRunning).SelectMany(v => v.Slots)
                .FirstOrDefault(t => t.Status == TaskRunStatus.Running && t.Node == kill.Node && (t.Pid == kill.Pid || t.Number == kill.Pid));
            if (slot is null || !_workers.TryGetValue(slot.Node, out var worker))
            {
                Sender.Tell(new CommandFailed($"no running task with pid {kill.Pid} on node {kill.Node} (see list_tasks)"));
                return;
            }
            _log.Warning("kill_task: killing task {0} on {1} (pid {2})", slot.Id, slot.Node, kill.Pid);
            worker.Tell(new CrashTask(slot.Id));
            Sender.Tell(new TaskKilled(slot.Id.ToString()));
        });
        Receive<KillJob>(kill =>
        {
            if (!_views.TryGetValue(kill.JobId, out var view))
                Sender.Tell(new CommandFailed(UnknownJob(kill.JobId)));
            else if (_masters.TryGetValue(kill.JobId, out var master))
                master.Forward(kill);
            else
                Sender.Tell(new CommandFailed($"job {kill.JobId} already ended ({view.Summary.Status})"));
        });
        Receive<RescaleStage>(rescale => ToRunningJob(rescale.JobId, rescale, "only a running job is rescaled"));
        Receive<SetJobRate>(rate => ToRunningJob(rate.JobId, rate, "only a running job's rate can be changed"));
        Receive<ListScaling>(list =>
        {
            if (_masters.TryGetValue(list.JobId, out var master)) master.Forward(list);
            else if (_views.TryGetValue(list.JobId, out var view))
                Sender.Tell(new ScalingHistory(list.JobId, view.Scaling is not null && JobPlanOf(view)?.Autoscale == true, view.Scaling ?? []));
            else Sender.Tell(new CommandFailed(UnknownJob(list.JobId)));
        });
        Receive<RecoveryProtocol.ListRecoveries>(_ => Sender.Tell(new RecoveryProtocol.RecoveryList(
            _views.Values.SelectMany(v => v.Recoveries).OrderBy(r => r.FailedAt).ToList())));
    }

    /// <summary>Forwards a control message to the master of a running job; an unknown or ended job is one sentence.</summary>
    private void ToRunningJob(string jobId, object message, string onlyRunning)
    {
        if (_masters.TryGetValue(jobId, out var master)) master.Forward(message);
        else if (_views.TryGetValue(jobId, out var view)) Sender.Tell(new CommandFailed($"job {jobId} already ended ({view.Summary.Status}); {onlyRunning}"));
        else Sender.Tell(new CommandFailed(UnknownJob(jobId)));
    }

    private static RainStorm.Operators.Jobs.JobPlan? JobPlanOf(JobView view)
    {
        try
        {
            return RainStorm.Operators.Jobs.JobCommandParser.Parse(view.Summary.CommandLine);
        }
        catch (RainStorm.Operators.Jobs.JobCommandException)
        {
            return null;
        }
    }

    private IEnumerable<JobView> OrderedViews() => _views.Values.OrderBy(v => JobNumber(v.Summary.JobId));

    private static int JobNumber(string jobId) => int.Parse(jobId.AsSpan(4));

    private string UnknownJob(string id) =>
        $"no job '{id}'" + (_views.Count == 0 ? " (no jobs yet)" : $" (jobs: {string.Join(", ", OrderedViews().Select(v => v.Summary.JobId))})");
}
