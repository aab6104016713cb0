using System.Diagnostics;
using Akka.Cluster;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Bench.HyDfs;

/// <summary>
/// A file of N MB through HyDFS on 4 in-process nodes + a client node: create from a local file, re-replication
/// after its primary leaves, get to a local file; with the process's peak memory, which would have to exceed the
/// file's size if any message or buffer held the whole file (everything moves in 1 MiB chunks).
/// </summary>
internal static class BigFile
{
    public static async Task RunAsync(int megabytes)
    {
        var (cluster, client, local) = await BenchCluster.StartWithBigFileAsync(megabytes);
        await using var _ = cluster;
        var length = megabytes * 1024L * 1024;
        using var memory = new PeakMemory();
        Console.WriteLine($"big file: {megabytes} MB on 4 hydfs nodes (R=3, fsync on), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; " +
                          $"before: managed heap {memory.Managed / 1e6:0} MB, RSS {memory.Rss / 1e6:0} MB");

        var watch = Stopwatch.StartNew();
        await client.CreateFromFileAsync("big.bin", local);
        Console.WriteLine($"create from a local file: {watch.Elapsed.TotalSeconds:0.0}s ({length / watch.Elapsed.TotalSeconds / 1e6:0} MB/s); {memory.Report()}");

        var replicas = (await client.LsAsync("big.bin")).Replicas.Select(r => r.Node).ToList();
        var nodes = cluster.Systems.Take(4).Select(s => (System: s, Node: $"{Cluster.Get(s).SelfAddress.Host}:{Cluster.Get(s).SelfAddress.Port}")).ToList();
        var victim = nodes.FindIndex(n => n.Node == replicas[0]);
        memory.Reset();
        watch.Restart();
        await cluster.StopNodeAsync(victim);
        var left = watch.Elapsed;
        var survivors = nodes.Where((_, i) => i != victim).ToList();
        while (true)
        {
            var full = 0;
            foreach (var (system, _) in survivors)
                if ((await HyDfsClient.For(system).ListStoreAsync()).Files.Any(f => f.Name == "big.bin" && f.Length == length)) full++;
            if (full == 3) break;
            if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("re-replication did not finish in 10 minutes");
            await Task.Delay(50);
        }
        Console.WriteLine($"re-replication after the primary left: 3 full copies {watch.Elapsed.TotalSeconds:0.0}s after the leave started " +
                          $"(node gone after {left.TotalSeconds:0.0}s, {length / (watch.Elapsed - left).TotalSeconds / 1e6:0} MB/s); {memory.Report()}");

        memory.Reset();
        watch.Restart();
        var copy = Path.Combine(cluster.Root, "big.out");
        await client.GetToFileAsync("big.bin", copy);
        Console.WriteLine($"get to a local file: {watch.Elapsed.TotalSeconds:0.0}s ({length / watch.Elapsed.TotalSeconds / 1e6:0} MB/s); {memory.Report()}");
        if (new FileInfo(copy).Length != length) throw new InvalidOperationException("the copy has the wrong length");
    }

    /// <summary>Samples the managed heap and the resident set every 50 ms and keeps the maxima.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly Timer _timer;
        private long _peakManaged, _peakLive, _peakRss;

        public PeakMemory() => _timer = new Timer(_ => Sample(), null, 0, 50);

        public long Managed => GC.GetTotalMemory(false);
        public long Rss => Environment.WorkingSet;

        private void Sample()
        {
            InterlockedMax(ref _peakManaged, Managed);
            // what the last collection found alive: the managed heap without the garbage a server GC lets pile up
            var last = GC.GetGCMemoryInfo();
            InterlockedMax(ref _peakLive, last.HeapSizeBytes - last.FragmentedBytes);
            InterlockedMax(ref _peakRss, Rss);
        }

        private static void InterlockedMax(ref long target, long value)
        {
            var current = Interlocked.Read(ref target);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref target, value, current);
                if (seen == current) return;
                current = seen;
            }
        }

        public void Reset()
        {
            Interlocked.Exchange(ref _peakManaged, 0);
            Interlocked.Exchange(ref _peakLive, 0);
            Interlocked.Exchange(ref _peakRss, 0);
        }

        public string Report()
        {
            Sample();
            return $"peak managed heap {Interlocked.Read(ref _peakManaged) / 1e6:0} MB (alive after a GC at most {Interlocked.Read(ref _peakLive) / 1e6:0} MB), peak RSS {Interlocked.Read(ref _peakRss) / 1e6:0} MB (whole process: 5 nodes)";
        }

        public void Dispose() => _timer.Dispose();
    }
}
