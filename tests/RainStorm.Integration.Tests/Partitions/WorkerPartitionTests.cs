using System.Diagnostics;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node;
using Xunit.Abstractions;

namespace RainStorm.Integration.Tests.Partitions;

/// <summary>Issue 14 item 2: 3 node processes in network namespaces (non-loopback addresses, bind 0.0.0.0, advertised
/// per-namespace address); one worker's link is cut during a burst of HyDFS appends, then healed.</summary>
[Collection(ClusterLane.Name)]
public sealed class WorkerPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_worker_cut_off_during_an_append_burst_is_downed_exits_rejoins_fresh_after_heal_and_no_acknowledged_append_is_lost()
    {
        await using var cluster = await NetnsCluster.StartAsync(3, output);
        const int cut = 2;
        await AppendBurst.CreateAsync(cluster, 0, "burst.txt");
        var burst = AppendBurst.Start(cluster, 0, "burst.txt");
        await burst.UntilAcknowledgedAsync(10, Patience);

        var clock = Stopwatch.StartNew();
        cluster.Network.Isolate([cut]);
        var cutNode = cluster.Nodes[cut]!;
        output.WriteLine($"cut {cluster.Address(cut)} off at {DateTime.UtcNow:HH:mm:ss.fff} after {burst.Acknowledged} acknowledged appends");

        await Poll.UntilAsync(async () => (await cluster.MembersAsync(0))?.GetValueOrDefault(cluster.Address(cut)) == "Unreachable",
            Patience, "node 0 to see the cut node unreachable", 200);
        var unreachableAfter = clock.Elapsed;
        await Poll.UntilAsync(async () => (await cluster.MembersAsync(0)) is { } m && !m.ContainsKey(cluster.Address(cut)) && m.Count == 2,
            Patience, "the majority to down and remove the cut node", 200);
        var removedAfter = clock.Elapsed;
        // The cut node's own resolver downs it (it is the minority): the process ends by itself with the downed exit code.
        Assert.Equal(NodeCommand.DownedExitCode, await cutNode.WaitForExitAsync(Patience));
        var exitedAfter = cutNode.ExitTime - (DateTime.UtcNow - clock.Elapsed);
        Assert.Contains("was downed by the cluster", cutNode.Output);

        await burst.UntilAcknowledgedAsync(burst.Acknowledged + 10, Patience);
        cluster.Network.Heal();
        var healedAt = clock.Elapsed;
        var again = await cluster.StartNodeAsync(cut, [cluster.Address(0), cluster.Address(1)]);
        Assert.NotEqual(cutNode.Pid, again.Pid);
        await cluster.WaitForUpAsync(0, 3, Patience);
        var rejoinedAfter = clock.Elapsed - healedAt;
        var acknowledged = await burst.StopAsync();

        // Every acknowledged append is in the file, once, in the order it was made, on every replica (the rejoined node too).
        var merged = Path.Combine(cluster.Scratch, "merged.txt");
        await cluster.RunOkAsync(0, "hydfs", "merge", "burst.txt");
        await cluster.RunOkAsync(0, "hydfs", "get", "burst.txt", merged);
        var numbers = AppendBurst.AssertNoneLost(await File.ReadAllLinesAsync(merged), acknowledged);
        await Poll.UntilAsync(async () =>
        {
            var copy = Path.Combine(cluster.Scratch, "copy.txt");
            var got = await cluster.RunAsync(0, "hydfs", "getfromreplica", cluster.Address(cut), "burst.txt", copy);
            return got.Exit == 0 && (await File.ReadAllTextAsync(copy)) == await File.ReadAllTextAsync(merged);
        }, Patience, "the rejoined node to hold a byte-identical replica", 1000);

        output.WriteLine($"worker cut off: unreachable after {unreachableAfter.TotalMilliseconds:0} ms, downed and removed by the majority after " +
                         $"{removedAfter.TotalMilliseconds:0} ms, its process exited (code 3) after {exitedAfter.TotalMilliseconds:0} ms; " +
                         $"after heal a new incarnation (pid {again.Pid}) was Up in {rejoinedAfter.TotalMilliseconds:0} ms; " +
                         $"{acknowledged.Count} acknowledged appends, {numbers.Count} in the file");
    }
}
