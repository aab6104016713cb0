using System.Text;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// Assigns the key groups of each partitioned stage to its tasks by the load a sample of the source puts on them, so
/// a few heavy keys do not all land on one task (group g → task g mod N does that by chance). The sample is a few
/// chunks spread over the source, run through the built-in operators in front of the stage; a user operator in front
/// stops the sampling there (its output cannot be predicted without running it) and the stages behind it keep
/// g mod N. Decided once per job and journaled with it: a key group never moves while the job runs (its state lives
/// in the task that owns it).
/// </summary>
public static class KeyGroupBalancer
{
    private const int SampleChunks = 4;

    /// <summary>Per operator stage (index 0 = stage 1): its key-group table, or null where the edge is not
    /// partitioned or the sample says nothing about it.</summary>
    public static async Task<int[]?[]> TablesAsync(HyDfsClient hyDfs, JobPlan plan, IReadOnlyList<bool> stateful,
        string operatorDir, long sourceLength, CancellationToken ct)
    {
        var tables = new int[]?[plan.Stages.Count];
        if (!stateful.Any(s => s) || sourceLength == 0) return tables;
        var tuples = await SampleAsync(hyDfs, plan.Source, sourceLength, ct);
        for (var stage = 0; stage < plan.Stages.Count && tuples.Count > 0; stage++)
        {
            if (!OperatorFactory.IsBuiltIn(plan.Stages[stage].Op)) break;
            using var op = OperatorFactory.Create(plan.Stages[stage], operatorDir);
            if (stateful[stage]) tables[stage] = Balance(Weights(op, tuples), plan.TasksPerStage);
            var next = new List<StreamTuple>();
            op.Process(tuples, next);
            tuples = next;
        }
        return tables;
    }

    /// <summary>Heaviest group first, each to the task with the least load so far; a group the sample never saw
    /// weighs one unit, so unseen keys spread too.</summary>
    public static int[] Balance(long[] weights, int tasks)
    {
        var table = new int[weights.Length];
        var load = new long[tasks];
        var groups = Enumerable.Range(0, weights.Length).OrderByDescending(g => weights[g]).ThenBy(g => g);
        foreach (var group in groups)
        {
            var task = 0;
            for (var t = 1; t < tasks; t++)
                if (load[t] < load[task]) task = t;
            table[group] = task;
            load[task] += weights[group] * KeyGroups.Count + 1;
        }
        return table;
    }

    private static long[] Weights(IOperator op, List<StreamTuple> tuples)
    {
        var weights = new long[KeyGroups.Count];
        foreach (var tuple in tuples) weights[KeyGroups.Of(op.PartitionKey(tuple))]++;
        return weights;
    }

    /// <summary>Whole lines from <see cref="SampleChunks"/> chunks spread evenly over the file.</summary>
    private static async Task<List<StreamTuple>> SampleAsync(HyDfsClient hyDfs, string source, long length, CancellationToken ct)
    {
        var tuples = new List<StreamTuple>();
        var offsets = Enumerable.Range(0, SampleChunks).Select(i => length / SampleChunks * i).Distinct();
        foreach (var offset in offsets)
        {
            var chunk = (await hyDfs.ReadChunkAsync(source, offset, ct)).Data.AsSpan();
            var first = offset == 0 ? 0 : chunk.IndexOf((byte)'\n') + 1;
            var last = offset + chunk.Length >= length ? chunk.Length : chunk.LastIndexOf((byte)'\n');
            if (first <= 0 && offset > 0 || last < first) continue;
            var text = Encoding.UTF8.GetString(chunk[first..last]);
            foreach (var line in text.Split('\n'))
                if (line.Length > 0) tuples.Add(new StreamTuple($"{source}:sample{tuples.Count}", line.TrimEnd('\r')));
        }
        return tuples;
    }
}
