using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using RainStorm.Actors.Runtime.Tasks;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Metrics;

/// <summary>
/// The runtime's instruments of one node (System.Diagnostics.Metrics, observable): the tasks running here feed their
/// meters at every report and when they complete, the worker tells when they end, and the dashboard feeds the
/// job-level counts it learns from the leader. Instruments read the latest values when a collector (the node's <c>/metrics</c>) asks, so feeding costs one
/// dictionary write a second per task. A task's series stay for <see cref="EndedRetention"/> after it ends.
/// </summary>
public sealed class RuntimeMetrics : IExtension, IDisposable
{
    public const string MeterName = "RainStorm.Runtime";
    public static readonly TimeSpan EndedRetention = TimeSpan.FromMinutes(10);

    private sealed class TaskSample(TaskId id)
    {
        public readonly KeyValuePair<string, object?>[] Tags =
        [
            new("job", id.JobId), new("stage", id.Stage.ToString()), new("task", id.ToString()),
        ];
        public long RecordsIn;
        public long RecordsOut;
        public double BusySeconds;
        public double BackpressuredSeconds;
        public int InFlightBatches;
        public long EndedAt;
    }

    private sealed record JobCounts(long Restarts, long Rescales);

    private readonly ConcurrentDictionary<TaskId, TaskSample> _tasks = new();
    private ConcurrentDictionary<string, JobCounts> _jobs = new();

    public Meter Meter { get; } = new(MeterName);

    public static RuntimeMetrics For(ActorSystem system) => system.WithExtension<RuntimeMetrics, RuntimeMetricsProvider>();

    public RuntimeMetrics()
    {
        Meter.CreateObservableCounter("rainstorm_task_records_in_total", () => Read(s => s.RecordsIn), "{record}",
            "Tuples a task took in (source: lines read), by the task's node.");
        Meter.CreateObservableCounter("rainstorm_task_records_out_total", () => Read(s => s.RecordsOut), "{record}",
            "Tuples a task emitted.");
        Meter.CreateObservableCounter("rainstorm_task_busy_seconds_total", () => Read(s => s.BusySeconds), "s",
            "Seconds a task spent processing its input.");
        Meter.CreateObservableCounter("rainstorm_task_backpressured_seconds_total", () => Read(s => s.BackpressuredSeconds), "s",
            "Seconds a task had input or output waiting but no credit to send downstream.");
        Meter.CreateObservableGauge("rainstorm_edge_inflight_batches", () => Read(s => s.InFlightBatches), "{batch}",
            "Batches a task has sent on its outbound edges that are not acknowledged yet.");
        Meter.CreateObservableCounter("rainstorm_task_restarts_total", () => Jobs(j => j.Restarts), "{restart}",
            "Task restarts the leader made for a job (exposed by the node that hosts the leader).");
        Meter.CreateObservableCounter("rainstorm_job_rescales_total", () => Jobs(j => j.Rescales), "{rescale}",
            "Times a stage of the job changed its number of tasks (exposed by the node that hosts the leader).");
    }

    /// <summary>A task's report tick: its counters as its meter has them now, and what its output has in flight.</summary>
    public void Observe(TaskId id, RateMeter meter, ITaskOutput? output)
    {
        var sample = _tasks.GetOrAdd(id, static i => new TaskSample(i));
        sample.RecordsIn = meter.TuplesIn;
        sample.RecordsOut = meter.TuplesOut;
        sample.BusySeconds = meter.BusySeconds;
        sample.BackpressuredSeconds = meter.BackpressuredSeconds;
        sample.InFlightBatches = output is EdgeOutput edges ? edges.Edges.Unacked : 0;
        sample.EndedAt = 0; // an exactly_once task restarted on the same node runs again under its id
    }

    /// <summary>The task's actor is gone; its series stay a while so a scrape after the job still sees its totals.</summary>
    public void Ended(TaskId id)
    {
        if (_tasks.TryGetValue(id, out var sample))
        {
            sample.InFlightBatches = 0;
            sample.EndedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The job-level counts, from the node that hosts the leader (others pass an empty table).</summary>
    public void SetJobs(IReadOnlyDictionary<string, (long Restarts, long Rescales)> jobs) =>
        _jobs = new ConcurrentDictionary<string, JobCounts>(jobs.Select(j =>
            KeyValuePair.Create(j.Key, new JobCounts(j.Value.Restarts, j.Value.Rescales))));

    /// <summary>The seconds each live task here spent busy and backpressured so far (the dashboard turns them into shares).</summary>
    public IReadOnlyList<TaskTime> TaskTimes() =>
        _tasks.Where(t => t.Value.EndedAt == 0)
            .Select(t => new TaskTime(t.Key.ToString(), t.Value.BusySeconds, t.Value.BackpressuredSeconds)).ToList();

    private IEnumerable<Measurement<T>> Read<T>(Func<TaskSample, T> value) where T : struct
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, sample) in _tasks)
        {
            if (sample.EndedAt != 0 && Stopwatch.GetElapsedTime(sample.EndedAt, now) > EndedRetention)
            {
                _tasks.TryRemove(id, out _);
                continue;
            }
            yield return new Measurement<T>(value(sample), sample.Tags);
        }
    }

    private IEnumerable<Measurement<long>> Jobs(Func<JobCounts, long> value) =>
        _jobs.Select(j => new Measurement<long>(value(j.Value), new KeyValuePair<string, object?>("job", j.Key)));

    public void Dispose() => Meter.Dispose();
}

public sealed record TaskTime(string Task, double BusySeconds, double BackpressuredSeconds);

public sealed class RuntimeMetricsProvider : ExtensionIdProvider<RuntimeMetrics>
{
    public override RuntimeMetrics CreateExtension(ExtendedActorSystem system)
    {
        var metrics = new RuntimeMetrics();
        system.RegisterOnTermination(metrics.Dispose);
        return metrics;
    }
}
