using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using static RainStorm.Actors.Runtime.Jobs.JobMasterProtocol;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Leader;

/// <summary>
/// The leader's persistence: the job table is journaled by a <see cref="JobJournal"/> child. A leader (the first one,
/// or one taking over after the old leader's node died) stashes every message until the table is recovered, then
/// starts a master for each running job, which re-attaches to its tasks (LeaderActor.Reattach.cs).
/// </summary>
public sealed partial class LeaderActor
{
    private sealed record StartJournal;

    private IActorRef? _journal;
    private bool _tableRecovered;

    public IStash Stash { get; set; } = null!;

    private void ReceiveJobTableRecovery()
    {
        Receive<JobJournal.Recovered>(OnJobTableRecovered);
        Receive<StartJournal>(_ => StartJobJournal());
        Receive<Terminated>(terminated =>
        {
            _log.Warning("Leader job table journal stopped; starting it again");
            _journal = null;
            Timers.StartSingleTimer("start-journal", new StartJournal(), TimeSpan.FromSeconds(1));
        }, terminated => terminated.ActorRef.Equals(_journal));
        ReceiveReattach();
        Receive<object>(_ => Stash.Stash(), _ => !_tableRecovered);
    }

    private void StartJobJournal()
    {
        _journal = Context.ActorOf(JobJournal.Props(), JobJournal.Name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Context.Watch(_journal);
    }

    private void JournalJobAccepted(JobState job, string? submitKey) =>
        _journal?.Tell(new JobJournal.JobAccepted(job.Id, job.CommandLine, job.SourceBlockBytes, job.KeyGroupTables, submitKey));

    private void JournalJobEnded(JobJournal.JobEnded ended) => _journal?.Tell(ended);

    private void OnJobTableRecovered(JobJournal.Recovered recovered)
    {
        if (_tableRecovered) return;
        var running = new List<JobState>();
        foreach (var (accepted, ended) in recovered.Jobs)
        {
            _jobCounter = Math.Max(_jobCounter, JobNumber(accepted.JobId));
            _submitKeys.Recovered(accepted.IdempotencyKey, accepted.JobId);
            JobPlan plan;
            try
            {
                plan = JobCommandParser.Parse(accepted.CommandLine);
            }
            catch (JobCommandException e)
            {
                // Written by an older version whose parser was more lenient: nothing can run it or show its stages.
                _log.Error("Job {0} from the journal is left out of the job table: its line no longer parses ({1})", accepted.JobId, e.Message);
                continue;
            }
            string? operatorMissing = null;
            bool[] stateful;
            try
            {
                stateful = StatefulStages(plan);
            }
            catch (OperatorException e)
            {
                operatorMissing = e.Message; // e.g. a user operator removed from the operator directory since
                stateful = new bool[plan.Stages.Count];
            }
            var job = new JobState(accepted.JobId, accepted.CommandLine, plan, stateful)
            {
                SourceBlockBytes = accepted.SourceBlockBytes,
                KeyGroupTables = accepted.KeyGroupTables ?? new int[]?[plan.Stages.Count],
            };
            if (recovered.Rescaled?.GetValueOrDefault(job.Id) is { } rescaled) job.RestoreRescaled(rescaled.Values);
            if (recovered.Checkpoints?.GetValueOrDefault(job.Id) is { } checkpoint) job.Checkpointed(checkpoint.Id, checkpoint.Manifest);
            job.PlaceRecovering();
            if (ended is not null)
            {
                job.Restore(StatusNames.ParseJobStatus(ended.Status), ended.Reason, ended.TuplesIn, ended.TuplesOut);
                _views[job.Id] = JobView.Of(job, JobPhase.Completed, []);
                continue;
            }
            if (operatorMissing is not null)
            {
                var reason = $"the job cannot be recovered: {operatorMissing}";
                job.Restore(JobStatus.Failed, reason, 0, 0);
                _log.Error("Job {0} failed: {1}", job.Id, reason);
                _views[job.Id] = JobView.Of(job, JobPhase.Failed, []);
                foreach (var worker in _workers.Values) worker.Tell(new WorkerProtocol.StopJobTasks(job.Id));
                JournalJobEnded(JobEndedRecord(job.Summary()));
                continue;
            }
            _log.Warning("Job {0} was running when the previous leader stopped: re-attaching to its tasks", job.Id);
            running.Add(job);
        }
        _tableRecovered = true;
        foreach (var job in running) StartMaster(job, JobMaster.Start.Reattach, JobPhase.Running);
        if (running.Count > 0) BeginReattach();
        Stash.UnstashAll();
    }
}
