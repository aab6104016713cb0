using System.Diagnostics;
using System.Text;
using RainStorm.Actors.HyDfs;
using Xunit.Abstractions;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.HyDfs;

/// <summary>
/// Four real node processes; an in-process client node (no hydfs role) appends while one replica is killed with
/// SIGKILL. Every acknowledged append must survive, and the file must have 3 live replicas again (how fast is
/// measured by bench/RainStorm.Bench.HyDfs: the deadlines here are generous, for a loaded machine).
/// </summary>
[Collection(ClusterLane.Name)]
public sealed class HyDfsKillReplicaTest(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_replica_loses_no_acknowledged_append_and_three_replicas_return()
    {
        await using var cluster = await ProcessCluster.StartAsync(4, output, roles: "hydfs");
        var nodes = cluster.Nodes;
        var client = cluster.HyDfs;
        await Poll.UntilAsync(async () => (await client.ListMembersAsync()).Count == 4, TimeSpan.FromSeconds(60), "4 hydfs members");
        var noStore = await Assert.ThrowsAsync<HyDfsException>(() => client.ListStoreAsync());
        Assert.Contains("no hydfs role", noStore.Message);
        await client.CreateAsync("kill.log", Encoding.UTF8.GetBytes("start\n"));
        // ls asks each replica in turn; on a loaded machine one may answer late, so ask until all three do.
        List<string> replicas = [];
        await Poll.UntilAsync(async () => (replicas = (await client.LsAsync("kill.log")).Replicas.Select(r => r.Node).ToList()).Count == 3,
            TimeSpan.FromSeconds(60), "ls listing 3 replicas of the new file");
        // the primary is the hardest case (a new primary must take over the file); the seed is kept alive
        var victim = nodes.Skip(1).FirstOrDefault(n => n.Address == replicas[0]) ?? nodes.Skip(1).First(n => replicas.Contains(n.Address));

        var acknowledged = new List<int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var window = new Queue<(int, Task)>();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                window.Enqueue((i, client.AppendAsync("kill.log", Encoding.UTF8.GetBytes($"rec-{i}\n"))));
                while (window.Count >= 8 || (stop.IsCancellationRequested && window.Count > 0))
                {
                    var (n, task) = window.Dequeue();
                    await task;
                    lock (acknowledged) acknowledged.Add(n);
                }
            }
            while (window.Count > 0)
            {
                var (n, task) = window.Dequeue();
                await task;
                lock (acknowledged) acknowledged.Add(n);
            }
        });

        await Poll.UntilAsync(() => Task.FromResult(Count(acknowledged) >= 200), TimeSpan.FromSeconds(60), "200 appends before the kill");
        output.WriteLine($"killing {victim.Address} (pid {victim.Pid}) after {Count(acknowledged)} acknowledged appends");
        var killedAt = Stopwatch.StartNew();
        victim.Kill();

        await Poll.UntilAsync(async () =>
        {
            if ((await client.ListMembersAsync()).Any(m => m.Node == victim.Address)) return false;
            var location = await client.LsAsync("kill.log");
            return location.Replicas.Count == 3 && location.Replicas.All(r => r.Node != victim.Address);
        }, TimeSpan.FromSeconds(90), "ls showing 3 live replicas");
        output.WriteLine($"ls shows 3 live replicas {killedAt.Elapsed.TotalSeconds:0.0}s after the kill");
        List<int> ackedBeforeKill;
        lock (acknowledged) ackedBeforeKill = acknowledged.Where(n => n < 200).ToList();
        await Poll.UntilAsync(async () =>
        {
            foreach (var replica in (await client.LsAsync("kill.log")).Replicas)
            {
                var local = Path.Combine(cluster.Scratch("early"), replica.RingId.ToString());
                try
                {
                    await client.GetFromReplicaAsync(replica.Node, "kill.log", local);
                }
                catch (HyDfsException)
                {
                    return false; // not copied there yet
                }
                var text = await File.ReadAllTextAsync(local);
                if (!ackedBeforeKill.All(n => text.Contains($"rec-{n}\n"))) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(90), "3 live replicas holding every append acknowledged before the kill");
        output.WriteLine($"3 live replicas hold the file {killedAt.Elapsed.TotalSeconds:0.0}s after the kill");
        var afterKill = Count(acknowledged);
        await Poll.UntilAsync(() => Task.FromResult(Count(acknowledged) >= afterKill + 100), TimeSpan.FromSeconds(30), "100 appends after the kill");
        stop.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(60));

        var content = Encoding.UTF8.GetString(await client.GetAsync("kill.log"));
        var records = content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => int.Parse(r["rec-".Length..])).ToList();
        Assert.All(acknowledged, n => Assert.Contains(n, records));
        Assert.Equal(records.Distinct().Count(), records.Count);
        Assert.Equal(records.Order(), records);
        output.WriteLine($"{acknowledged.Count} acknowledged appends, {records.Count} in the file");

        await client.MergeAsync("kill.log");
        var live = (await client.LsAsync("kill.log")).Replicas;
        foreach (var replica in live)
        {
            var local = Path.Combine(cluster.Scratch("copies"), replica.RingId.ToString());
            await client.GetFromReplicaAsync(replica.Node, "kill.log", local);
            var copy = await File.ReadAllTextAsync(local);
            Assert.True(content == copy, $"after merge the copy on {replica.Node} has {copy.Length} chars, the file {content.Length}; "
                + $"first difference at {Enumerable.Range(0, Math.Min(copy.Length, content.Length)).FirstOrDefault(i => copy[i] != content[i], -1)}");
        }
    }

    private static int Count(List<int> list)
    {
        lock (list) return list.Count;
    }
}
