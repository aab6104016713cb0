using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.Runtime.Scaling;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// The autoscaler (jobs with autoscale=true) and the other run-time controls: once per second each operator stage's
/// sample (offered rate = what the stage in front sent it per second plus its backlog's growth, busy fraction) goes
/// to the pure <see cref="ScalingPolicy"/>; a decision is logged and runs through the same rescale path as the
/// <c>rescale</c> command. Every rescale, by either, is kept for <c>scaling &lt;job&gt;</c>; <c>rate</c> re-paces the source.
/// </summary>
public sealed partial class JobMaster
{
    private sealed class AutoscaleTick
    {
        public static readonly AutoscaleTick Instance = new();
    }

    private readonly List<ScalingEntry> _scalingHistory = [];
    private readonly Dictionary<int, (long Backlog, DateTimeOffset At)> _lastBacklog = new();
    private ScalingPolicy? _policy;
    private ScalingSettings? _scalingSettings;
    /// <summary>The job's input rate as the <c>rate</c> command last set it (null = the job line's).</summary>
    private double? _rateSet;

    private ScalingSettings ScalingConfig => _scalingSettings ??= ScalingSettings.Create(Context.System);

    private void StartAutoscaler()
    {
        if (!_job.Plan.Autoscale) return;
        _policy = new ScalingPolicy(ScalingConfig, Watermarks.From(_job.Plan), DateTimeOffset.UtcNow);
        Timers.StartPeriodicTimer("autoscale", AutoscaleTick.Instance, TimeSpan.FromSeconds(1));
    }

    private void ReceiveControls()
    {
        Receive<AutoscaleTick>(_ => Autoscale());
        Receive<ListScaling>(_ => Sender.Tell(new ScalingHistory(_job.Id, _job.Plan.Autoscale, _scalingHistory.ToList())));
        Receive<SetJobRate>(set =>
        {
            if (set.TuplesPerSecond < 0 || !double.IsFinite(set.TuplesPerSecond))
            {
                Sender.Tell(new CommandFailed($"a rate is a number of tuples per second, 0 or more (0 = unpaced), not {set.TuplesPerSecond}"));
                return;
            }
            var sources = _job.StageTasks(0).Where(t => t.Actor is not null && t.State == TaskRunStatus.Running).ToList();
            if (sources.Count == 0)
            {
                Sender.Tell(new CommandFailed($"{_job.Id} has no running source task (its source is read to the end)"));
                return;
            }
            foreach (var source in sources) source.Actor!.Tell(new SetRate(set.TuplesPerSecond / _job.Widths[0]));
            _rateSet = set.TuplesPerSecond;
            _log.Info("Job {0}: input rate set to {1} tuples/s{2}", _job.Id, set.TuplesPerSecond, set.TuplesPerSecond == 0 ? " (unpaced)" : "");
            Sender.Tell(new JobRateSet(_job.Id, set.TuplesPerSecond));
        });
    }

    private void Autoscale()
    {
        if (_policy is null || _phase != JobPhase.Running || _rescalesAfterCheckpoint.Count > 0) return;
        var now = DateTimeOffset.UtcNow;
        var draining = _job.StageTasks(0).Any(t => t.State != TaskRunStatus.Running || t.Report is { State: TaskPhase.Draining or TaskPhase.Completed });
        var stages = Enumerable.Range(1, _job.StageCount).Select(stage => _job.StageTasks(stage).ToList()).ToList();
        var flows = stages.Select((tasks, i) => FlowOf(i + 1, tasks, now)).ToList();
        var offered = OfferedRate.PerStage(draining ? 0 : _rateSet ?? _job.Plan.InputRate, flows);
        for (var stage = 1; stage <= _job.StageCount; stage++)
        {
            var tasks = stages[stage - 1];
            if (tasks.Any(t => t.Report is null)) continue;
            var sample = new StageSample(stage, _job.OperatorOf(stage), _job.Widths[stage], offered[stage - 1],
                tasks.Average(t => t.Report!.BusyFraction), StageCapacity(stage), draining);
            if (_policy.Observe(sample, now) is not { } decision) continue;
            _log.Info(decision.LogLine(_job.Id));
            var outcome = StartRescale(new RescaleStage(_job.Id, decision.Stage, decision.To), requester: null);
            _scalingHistory.Add(new ScalingEntry(decision.Stage, decision.Operator, decision.From, decision.To, decision.PerTaskRate,
                decision.Reason, decision.At, "autoscaler", outcome));
            if (outcome is not null) _policy.Rescaled(decision.Stage, now);
            else return; // one rescale at a time
        }
    }

    /// <summary>Operator stage <paramref name="stage"/> as its tasks' last reports show it (zeros until every task reported).</summary>
    private OfferedRate.StageFlow FlowOf(int stage, IReadOnlyList<TaskState> tasks, DateTimeOffset now)
    {
        if (tasks.Any(t => t.Report is null)) return new OfferedRate.StageFlow(0, 0, 0, 0);
        var backlog = tasks.Sum(t => t.Report!.Backlog);
        var growth = _lastBacklog.TryGetValue(stage, out var last) && now > last.At ? (backlog - last.Backlog) / (now - last.At).TotalSeconds : 0;
        _lastBacklog[stage] = (backlog, now);
        var routed = _job.StageTasks(stage - 1).Sum(t => t.Report?.OutPerSecond ?? 0);
        return new OfferedRate.StageFlow(routed, growth, tasks.Sum(t => t.Report!.InPerSecond), tasks.Sum(t => t.Report!.OutPerSecond));
    }
}
