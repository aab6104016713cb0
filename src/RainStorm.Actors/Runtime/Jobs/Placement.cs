using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Where a job's tasks run and how its stages connect. Task i of every stage forms chain i; each chain goes to the
/// least-loaded worker, so a stateless stage can take its input from the same node (forward routing) and only
/// stateful stages, partitioned by key group, cross nodes.
/// </summary>
public static class Placement
{
    /// <summary>Chain i → node: the least-loaded worker at each step (ties by name), counting what this job adds.</summary>
    public static IReadOnlyList<string> Chains(int chains, int tasksPerChain, IReadOnlyDictionary<string, int> load)
    {
        var current = load.ToDictionary(p => p.Key, p => p.Value);
        var nodes = new List<string>();
        for (var i = 0; i < chains; i++)
        {
            var node = current.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            nodes.Add(node);
            current[node] += tasksPerChain;
        }
        return nodes;
    }

    /// <summary>Key group g goes to task g mod tasks: every task of a stage owns an equal share.</summary>
    public static int[] KeyGroupTable(int tasks) => Enumerable.Range(0, KeyGroups.Count).Select(g => g % tasks).ToArray();

    /// <summary>The routing into operator stage <paramref name="stage"/> (1-based).</summary>
    public static RoutingMode ModeInto(JobState job, int stage) =>
        job.StatefulStages[stage - 1] ? RoutingMode.KeyGroups : RoutingMode.Forward;

    /// <summary>The upstream tasks feeding task <paramref name="index"/> of operator stage <paramref name="stage"/>.</summary>
    public static int[] Upstream(JobState job, int stage, int index) =>
        ModeInto(job, stage) == RoutingMode.Forward ? [index] : Enumerable.Range(0, job.Plan.TasksPerStage).ToArray();

    public static StageRouting RoutingInto(JobState job, int stage) => new(
        ModeInto(job, stage),
        job.KeyGroupTables[stage - 1] ?? KeyGroupTable(job.Plan.TasksPerStage),
        job.StageTasks(stage).Select(t => t.Actor!).ToArray());
}
