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

    /// <summary>The routing into operator stage <paramref name="stage"/> (1-based): by key group into a stateful stage
    /// and over an edge that became a rebalancing one; forward (task i to task i) while both widths are equal.</summary>
    public static RoutingMode ModeInto(JobState job, int stage) =>
        job.StatefulStages[stage - 1] || job.Rebalanced[stage - 1] || job.Widths[stage] != job.Widths[stage - 1]
            ? RoutingMode.KeyGroups : RoutingMode.Forward;

    /// <summary>The upstream tasks feeding task <paramref name="index"/> of operator stage <paramref name="stage"/>.</summary>
    public static int[] Upstream(JobState job, int stage, int index) =>
        ModeInto(job, stage) == RoutingMode.Forward ? [index] : Enumerable.Range(0, job.Widths[stage - 1]).ToArray();

    /// <summary>The key-group table into operator stage <paramref name="stage"/>.</summary>
    public static int[] TableInto(JobState job, int stage) =>
        job.StatefulStages[stage - 1] && job.KeyGroupTables[stage - 1] is { } table ? table : KeyGroupTable(job.Widths[stage]);

    /// <summary>The key groups task <paramref name="task"/> of a stateful stage owns now; null for other stages.</summary>
    public static KeyGroupsOwned? OwnedBy(JobState job, TaskId task)
    {
        if (task.Stage == 0 || !job.StatefulStages[task.Stage - 1]) return null;
        var table = TableInto(job, task.Stage);
        return new KeyGroupsOwned(job.Epoch, Enumerable.Range(0, table.Length).Where(g => table[g] == task.Index).ToArray());
    }

    public static StageRouting RoutingInto(JobState job, int stage) => new(
        ModeInto(job, stage), TableInto(job, stage), job.StageTasks(stage).Select(t => t.Actor!).ToArray(), job.Epoch);
}
