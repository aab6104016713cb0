using System.Diagnostics;
using System.Text.RegularExpressions;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node;
using Xunit.Abstractions;

namespace RainStorm.Integration.Tests.Partitions;

/// <summary>Issue 14 item 2: 5 node processes in network namespaces split 2 | 3 with the leader's node on the minority
/// side, while an exactly_once job runs and a client appends to a HyDFS file whose primary is on the minority. Keep-majority keeps the 3; the 2 down themselves and exit; a new leader starts
/// on the majority only after the old one stopped; the job completes with exact output; healed, the 2 rejoin as new
/// incarnations and the leader stays where it is.</summary>
[Collection(ClusterLane.Name)]
public sealed partial class SplitBrainTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly int[] Minority = [0, 1];
    private static readonly int[] Majority = [2, 3, 4];

    [Fact]
    public async Task A_two_three_split_with_the_leader_on_the_minority_during_an_exactly_once_job_keeps_the_majority_and_the_output_exact()
    {
        await using var cluster = await NetnsCluster.StartAsync(5, output);
        var source = RuntimeClusterFixture.TrafficSigns();
        await cluster.RunOkAsync(2, "hydfs", "create", source, "Traffic_Signs.csv");
        var submitted = await cluster.RunOkAsync(2, "RainStorm", "2", "3", "Filter", "Warning", "Transform", "0-2", "Traffic_Signs.csv",
            "eo_split_out", "true", "false", "700", "0", "0");
        var jobId = JobSubmitted().Match(submitted).Groups[1].Value;
        var burstFile = await FileWithPrimaryOnAsync(cluster, 0);
        var burst = AppendBurst.Start(cluster, 2, burstFile);
        await burst.UntilAcknowledgedAsync(10, Patience);
        await Poll.UntilAsync(async () => await cluster.JobAsync(2, jobId) is { Status: "RUNNING", Out: > 0 }, Patience, "output from the job", 500);

        var clock = Stopwatch.StartNew();
        var cutAt = DateTime.UtcNow;
        cluster.Network.Isolate(Minority);
        output.WriteLine($"split {{0,1}} | {{2,3,4}} at {cutAt:HH:mm:ss.fff}; the leader is on node 0");
        var minority = Minority.Select(i => cluster.Nodes[i]!).ToList();

        await Poll.UntilAsync(async () => await cluster.MembersAsync(2) is { } m && Minority.All(i => m.GetValueOrDefault(cluster.Address(i)) == "Unreachable"),
            Patience, "the majority to see the minority unreachable", 200);
        var unreachableAfter = clock.Elapsed;
        await Poll.UntilAsync(async () => await cluster.MembersAsync(2) is { } m && m.Count == 3 && Majority.All(i => m.ContainsKey(cluster.Address(i))),
            Patience, "the majority to down and remove the minority", 200);
        var removedAfter = clock.Elapsed;
        foreach (var node in minority) Assert.Equal(NodeCommand.DownedExitCode, await node.WaitForExitAsync(Patience));
        var exitedAfter = minority.Max(n => n.ExitTime) - cutAt;
        // Appends go on once the file's primary (on node 0) is gone; ten more acknowledged ones are enough.
        await burst.UntilAcknowledgedAsync(burst.Acknowledged + 10, Patience);
        var acknowledged = await burst.StopAsync();

        await Poll.UntilAsync(async () => await cluster.JobAsync(2, jobId) is not null, Patience, "a leader on the majority to answer", 500);
        var leaderBackAfter = clock.Elapsed;
        await Poll.UntilAsync(async () => await cluster.JobAsync(2, jobId) is { Status: "COMPLETED" or "FAILED" or "KILLED" }, Patience,
            "the job to end", 1000);
        Assert.Equal("COMPLETED", (await cluster.JobAsync(2, jobId))!.Value.Status);
        var completedAfter = clock.Elapsed;

        var burstCopy = Path.Combine(cluster.Scratch, "burst-copy");
        await cluster.RunOkAsync(3, "hydfs", "get", burstFile, burstCopy);
        var appended = AppendBurst.AssertNoneLost(await File.ReadAllLinesAsync(burstCopy), acknowledged);

        var local = Path.Combine(cluster.Scratch, "eo_split_out");
        await cluster.RunOkAsync(3, "hydfs", "get", "eo_split_out", local);
        var actual = (await File.ReadAllLinesAsync(local)).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();
        var expected = ExactlyOnceChecks.App2Expected(source);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);

        // One leader at a time: the old one (node 0) stopped before any majority node started one, and the other minority
        // node never started one.
        var oldStopped = Assert.Single(cluster.LogTimes(0, "Leader stopped on"));
        var newStarts = Majority.SelectMany(i => cluster.LogTimes(i, "Leader started on")).ToList();
        var newStart = Assert.Single(newStarts);
        Assert.True(oldStopped < newStart, $"the new leader started at {newStart:HH:mm:ss.fff}, before the old one stopped at {oldStopped:HH:mm:ss.fff}");
        Assert.Empty(cluster.LogTimes(1, "Leader started on"));

        cluster.Network.Heal();
        var healedAt = clock.Elapsed;
        await Task.WhenAll(Minority.Select(i => cluster.StartNodeAsync(i, Majority.Select(cluster.Address))));
        await cluster.WaitForUpAsync(2, 5, Patience);
        var rejoinedAfter = clock.Elapsed - healedAt;
        // The rejoined nodes are the youngest now: the leader stays on the majority's node.
        Assert.Single(cluster.LogTimes(0, "Leader started on"));
        // A restarted node answers "not joined" until it sees itself Up: ask until it knows the job.
        await Poll.UntilAsync(async () => await cluster.JobAsync(0, jobId) is not null, Patience, "the rejoined node 0 to list the job");

        output.WriteLine($"2|3 split: minority unreachable after {unreachableAfter.TotalMilliseconds:0} ms, downed and removed by the majority after " +
                         $"{removedAfter.TotalMilliseconds:0} ms, both minority processes exited (code 3) by {exitedAfter.TotalMilliseconds:0} ms; " +
                         $"old leader stopped {(oldStopped - cutAt).TotalMilliseconds:0} ms, new leader started {(newStart - cutAt).TotalMilliseconds:0} ms, " +
                         $"answering {leaderBackAfter.TotalMilliseconds:0} ms after the split; job completed {completedAfter.TotalMilliseconds:0} ms after " +
                         $"the split with {actual.Count} exact lines; {acknowledged.Count} acknowledged appends to {burstFile} (primary on node 0), " +
                         $"{appended.Count} in the file; after heal both rejoined as new incarnations in {rejoinedAfter.TotalMilliseconds:0} ms");
    }

    /// <summary>Creates files until one has its primary replica on <paramref name="node"/>, and returns its name.</summary>
    private static async Task<string> FileWithPrimaryOnAsync(NetnsCluster cluster, int node)
    {
        for (var k = 0; k < 40; k++)
        {
            var name = $"split-burst-{k}.txt";
            await AppendBurst.CreateAsync(cluster, 2, name);
            using var json = System.Text.Json.JsonDocument.Parse(await cluster.RunOkAsync(2, "hydfs", "ls", name, "-o", "json"));
            if (json.RootElement.GetProperty("replicas")[0].GetProperty("node").GetString() == cluster.Address(node)) return name;
        }
        throw new InvalidOperationException($"none of 40 file names has its primary on {cluster.Address(node)}");
    }

    [GeneratedRegex(@"Job (\S+) submitted")]
    private static partial Regex JobSubmitted();
}
