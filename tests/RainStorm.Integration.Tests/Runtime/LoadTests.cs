using System.Diagnostics;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>Many at once on a 3-node embedded cluster through the real CLI: 20 jobs submitted together while 80 more
/// clients list jobs and tasks, then 20 clients wait for them. Every client is answered, every job completes with
/// its whole output, and the managed heap after the run stays bounded.</summary>
[Collection(ClusterLane.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Jobs = 20;
    private const int Lines = 300;

    [Fact]
    public async Task Twenty_jobs_at_once_and_a_hundred_concurrent_clients_are_all_answered_and_all_complete()
    {
        var root = Path.Combine(Path.GetTempPath(), "rainstorm-load-" + Guid.NewGuid().ToString("N")[..10]);
        var cmdPort = FreePort.Next();
        var cluster = await LocalCluster.StartAsync(3, Path.Combine(root, "nodes"), cmdPort, Path.Combine(root, "operators"),
            RuntimeClusterFixture.TestHocon, TimeSpan.FromSeconds(90));
        try
        {
            Directory.CreateDirectory(root);
            var source = Path.Combine(root, "load_src.csv");
            TrafficSignGenerator.Write(source, Lines, seed: 7);
            await JobRunner.EnsureSourceAsync(cluster.HyDfs, "load_src.csv", source);
            var endpoint = $"127.0.0.1:{cmdPort}";
            GC.Collect();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var clock = Stopwatch.StartNew();

            var submits = Enumerable.Range(0, Jobs)
                .Select(i => CliRun.Start(endpoint, "submit", "1", "2", "Filter", ",", "load_src.csv", $"load_out_{i}", "false", "false", "0", "0", "0"))
                .ToList();
            var readers = Enumerable.Range(0, 100 - Jobs)
                .Select(i => CliRun.Start(endpoint, i % 2 == 0 ? "jobs" : "list_tasks")).ToList();
            var exits = await Task.WhenAll(submits.Concat(readers).Select(c => c.Exit)).WaitAsync(TimeSpan.FromMinutes(4));
            var answeredIn = clock.Elapsed;

            Assert.All(exits, e => Assert.Equal(0, e));
            var ids = submits.Select(s => Assert.Single(s.OutLines)).Select(l => l.Split(' ')[1]).ToList();
            Assert.Equal(Jobs, ids.Distinct().Count());
            var waits = ids.Select(id => CliRun.Start(endpoint, "wait", id, "--timeout", "240")).ToList();
            Assert.All(await Task.WhenAll(waits.Select(w => w.Exit)).WaitAsync(TimeSpan.FromMinutes(5)), e => Assert.Equal(0, e));
            var completedIn = clock.Elapsed;

            var expected = File.ReadAllLines(source).Count(l => l.Contains(','));
            for (var i = 0; i < Jobs; i++)
                Assert.Equal(expected, (await cluster.HyDfs.GetAsync($"load_out_{i}")).Count(b => b == (byte)'\n'));
            GC.Collect();
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"100 clients answered in {answeredIn.TotalSeconds:0.0} s; {Jobs} jobs completed in {completedIn.TotalSeconds:0.0} s; " +
                             $"managed heap of the 3-node process {heapBefore / 1048576.0:0} MiB before, {heapAfter / 1048576.0:0} MiB after");
            // Bounded: finished jobs, closed connections and stopped tasks leave nothing big behind.
            Assert.True(heapAfter - heapBefore < 256L * 1024 * 1024, $"the heap grew by {(heapAfter - heapBefore) / 1048576} MiB");
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
