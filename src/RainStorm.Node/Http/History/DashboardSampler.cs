using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Node.Http.Metrics;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Node.Http.History;

/// <summary>
/// Every sample interval asks the leader (through the proxy) for the jobs, running tasks and restarts, and every node
/// for its tasks' busy and backpressured time, then records a sample in <see cref="DashboardHistory"/>. On the node that
/// hosts the leader it also feeds the job-level counters of <see cref="RuntimeMetrics"/>.
/// </summary>
public sealed class DashboardSampler : ReceiveActor, IWithTimers
{
    private sealed class Sample
    {
        public static readonly Sample Instance = new();
    }

    private readonly DashboardHistory _history;
    private readonly HttpSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _warned;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DashboardHistory history, HttpSettings settings) =>
        Akka.Actor.Props.Create(() => new DashboardSampler(history, settings));

    public DashboardSampler(DashboardHistory history, HttpSettings settings)
    {
        _history = history;
        _settings = settings;
        ReceiveAsync<Sample>(_ => SampleAsync());
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("sample", Sample.Instance, _settings.SampleInterval);

    private async Task SampleAsync()
    {
        var system = Context.System;
        var timeout = _settings.SampleInterval * 2;
        var queries = new JobQueries(system, timeout, CancellationToken.None);
        try
        {
            var jobs = await queries.JobsAsync();
            var running = await queries.TasksAsync(null);
            var recoveries = await queries.AskAsync<RecoveryList>(new ListRecoveries());
            var scaling = new Dictionary<string, ScalingHistory>();
            foreach (var jobId in _history.MayRescale(jobs)) scaling[jobId] = await queries.ScalingAsync(jobId);
            var times = await TaskTimesAsync(system, timeout);
            _history.Record(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), jobs, running, recoveries, scaling, times);
            var cluster = Cluster.Get(system);
            RuntimeMetrics.For(system).SetJobs(ClusterViews.LeaderNode(cluster.State) == NodeName.Of(cluster.SelfAddress)
                ? _history.JobCounts()
                : new Dictionary<string, (long, long)>());
            _warned = false;
        }
        catch (CommandFailedException e)
        {
            if (!_warned) _log.Warning("Dashboard: no sample ({0})", e.Message);
            _warned = true;
        }
    }

    private static async Task<IReadOnlyDictionary<string, TaskTime>> TaskTimesAsync(ActorSystem system, TimeSpan timeout)
    {
        var workers = Cluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(RainStormOptions.WorkerRole));
        var replies = await Task.WhenAll(workers.Select(async m =>
        {
            try
            {
                var selection = system.ActorSelection(new RootActorPath(m.Address) / "user" / NodeMetricsActor.Name);
                return (await selection.Ask<MetricsProtocol.TaskTimes>(new MetricsProtocol.GetTaskTimes(), timeout)).Tasks;
            }
            catch (AskTimeoutException)
            {
                return [];
            }
        }));
        return replies.SelectMany(r => r).GroupBy(t => t.Task).ToDictionary(g => g.Key, g => g.First());
    }
}
