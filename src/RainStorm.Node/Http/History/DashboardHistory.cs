using System.Text.Json.Nodes;
using RainStorm.Actors.Runtime.Metrics;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Node.Http.History;

/// <summary>
/// The history the dashboard keeps on the server (so charts survive a reload): per job a ring buffer of rate and load
/// samples and a timeline of recoveries, rescales and its end. Fed by <see cref="DashboardSampler"/>, read by the API.
/// </summary>
public sealed class DashboardHistory(int capacity, int keptJobs = 20)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, JobTrack> _jobs = new();
    private Dictionary<string, TaskTime> _lastTimes = [];
    private long _lastAt;

    /// <summary>The listed jobs whose rescale decisions are worth asking for: running ones, new ones, and those that
    /// ended since the last sample (their last decisions).</summary>
    public IReadOnlyList<string> MayRescale(JobList jobs)
    {
        lock (_lock)
            return jobs.Jobs.Where(j => j.Status == "RUNNING" || !_jobs.TryGetValue(j.JobId, out var t) || t.MayRescale)
                .Select(j => j.JobId).ToList();
    }

    public void Record(long now, JobList jobs, TaskList running, RecoveryList recoveries,
        IReadOnlyDictionary<string, ScalingHistory> scaling, IReadOnlyDictionary<string, TaskTime> times)
    {
        lock (_lock)
        {
            var shares = JobTrack.Shares(_lastTimes, times, (now - _lastAt) / 1000.0);
            _lastTimes = times.ToDictionary();
            _lastAt = now;
            foreach (var job in jobs.Jobs)
            {
                if (!_jobs.TryGetValue(job.JobId, out var track)) _jobs[job.JobId] = track = new JobTrack(job.JobId, capacity);
                var prefix = job.JobId + "/";
                track.Observe(now, job, running.Tasks.Where(t => t.JobId == job.JobId).ToList(),
                    recoveries.Recoveries.Where(r => r.Task.StartsWith(prefix, StringComparison.Ordinal)),
                    scaling.GetValueOrDefault(job.JobId)?.Entries, shares);
            }
            // Jobs the leader no longer lists, then the oldest beyond what is kept (job ids count up).
            foreach (var old in _jobs.Keys.Except(jobs.Jobs.Select(j => j.JobId)).ToList()) _jobs.Remove(old);
            foreach (var old in _jobs.Keys.OrderBy(JobNumber).SkipLast(keptJobs).ToList()) _jobs.Remove(old);
        }
    }

    /// <summary>Per job: task restarts and applied rescales seen (the node hosting the leader exposes them).</summary>
    public IReadOnlyDictionary<string, (long Restarts, long Rescales)> JobCounts()
    {
        lock (_lock) return _jobs.ToDictionary(j => j.Key, j => (j.Value.Restarts, j.Value.Rescales));
    }

    /// <summary>Null when this node has seen nothing of the job.</summary>
    public JsonObject? ToJson(string jobId)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var track)) return null;
            var samples = track.Samples.ToList();
            var loads = track.Samples.Last?.Loads ?? [];
            var bottleneck = Bottleneck.Find(loads);
            return new JsonObject
            {
                ["job"] = jobId,
                ["bottleneck"] = new JsonObject { ["stage"] = bottleneck?.Stage, ["op"] = bottleneck?.Op, ["text"] = Bottleneck.Describe(loads) },
                ["stages"] = new JsonArray(loads.Select(l => (JsonNode)new JsonObject
                {
                    ["stage"] = l.Stage, ["op"] = l.Op, ["busy"] = Round(l.Busy), ["backpressured"] = Round(l.Backpressured),
                    ["backpressure"] = l.Backpressure,
                }).ToArray()),
                ["tasks"] = new JsonObject(track.TaskShares.Select(t => KeyValuePair.Create(t.Key,
                    (JsonNode?)new JsonObject { ["busy"] = Round(t.Value.Busy), ["backpressured"] = Round(t.Value.Backpressured) }))),
                ["samples"] = new JsonArray(samples.Select(s => (JsonNode)new JsonObject
                {
                    ["t"] = s.UnixMs,
                    ["in"] = new JsonArray(s.StageIn.Select(v => (JsonNode)Round(v)).ToArray()),
                    ["out"] = new JsonArray(s.StageOut.Select(v => (JsonNode)Round(v)).ToArray()),
                }).ToArray()),
                ["events"] = new JsonArray(track.Events.OrderBy(e => e.UnixMs).Select(e => (JsonNode)new JsonObject
                {
                    ["t"] = e.UnixMs, ["kind"] = e.Kind, ["text"] = e.Text,
                }).ToArray()),
            };
        }
    }

    private static int JobNumber(string jobId) => int.TryParse(jobId.AsSpan(jobId.LastIndexOf('-') + 1), out var n) ? n : 0;

    private static double Round(double v) => Math.Round(v, 3);
}
