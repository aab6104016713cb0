using System.Text;

namespace RainStorm.Node.Local;

/// <summary>`rainstorm local --demo`: generates a traffic-sign-shaped file, loads it into HyDFS and runs an App-1-style
/// job (count one post type's signs by category) and an App-2-style job (filter and project), printing a few output
/// lines live, each job's summary and the final counts.</summary>
public static class LocalDemo
{
    private const string Source = "demo_signs.csv";
    private const int LinesShown = 5;

    public static async Task<int> RunAsync(LocalCluster cluster, string dataRoot, long lines)
    {
        var local = Path.Combine(dataRoot, Source);
        Console.Out.WriteLine($"demo: generating {lines:N0} traffic-sign records (seeded) into {local}");
        TrafficSignGenerator.Write(local, lines);
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, Source, local);
        Console.Out.WriteLine($"demo: loaded {Source} into HyDFS ({new FileInfo(local).Length:N0} bytes)");

        var app1 = await RunAsync(cluster, $"RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 {Source} demo_post_counts.txt false false 0 0 0");
        if (app1)
        {
            var counts = await FinalCountsAsync(cluster, "demo_post_counts.txt");
            Console.Out.WriteLine("demo: final count of 'Punched Telespar' signs per category:");
            foreach (var (key, count) in counts.OrderByDescending(p => p.Value)) Console.Out.WriteLine($"  {Label(key),-16} {count,10:N0}");
        }
        var app2 = await RunAsync(cluster, $"RainStorm 2 3 Filter Warning Transform 0-2 {Source} demo_warnings.txt false false 0 0 0");
        return app1 && app2 ? 0 : 1;
    }

    private static async Task<bool> RunAsync(LocalCluster cluster, string line)
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine($"demo: {line}");
        var shown = 0;
        var job = await JobRunner.SubmitAndFollowAsync(cluster.First, cluster.Leader, line, output =>
        {
            foreach (var text in output.Take(Math.Max(0, LinesShown - shown))) Console.Out.WriteLine($"  {text}");
            if (shown < LinesShown && shown + output.Count >= LinesShown) Console.Out.WriteLine("  ...");
            shown += output.Count;
        });
        var summary = await job.Ended;
        Console.Out.WriteLine($"demo: {JobRunner.Describe(summary)}");
        return summary.Status == "COMPLETED";
    }

    /// <summary>How the demo's table shows a category: a blank one as <c>(empty)</c>.</summary>
    public static string Label(string category) => string.IsNullOrWhiteSpace(category) ? "(empty)" : category;

    /// <summary>The last running count of each key in a <c>key,count</c> destination file.</summary>
    public static async Task<Dictionary<string, long>> FinalCountsAsync(LocalCluster cluster, string destination)
    {
        var text = Encoding.UTF8.GetString(await cluster.HyDfs.GetAsync(destination));
        var counts = new Dictionary<string, long>();
        foreach (var output in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = output.LastIndexOf(',');
            counts[output[..comma]] = long.Parse(output[(comma + 1)..]);
        }
        return counts;
    }
}
