using System.Diagnostics;
using RainStorm.Actors.HyDfs;
using RainStorm.Bench.HyDfs;

// HyDFS throughput on 3 in-process hydfs nodes (replication factor 3, fsync on every replica before each ack).
// Usage: dotnet run -c Release --project bench/RainStorm.Bench.HyDfs [-- --quick] [-- --big-mb 1024 (only the big-file case)]
var quick = args.Contains("--quick");
var bigAt = Array.IndexOf(args, "--big-mb");
if (bigAt >= 0)
{
    if (bigAt + 1 >= args.Length || !int.TryParse(args[bigAt + 1], out var bigMb) || bigMb < 1)
    {
        Console.Error.WriteLine("--big-mb needs a size in MB (a whole number >= 1)");
        return 2;
    }
    await BigFile.RunAsync(bigMb);
    return 0;
}
var cluster = await BenchCluster.StartAsync(3);
// The client runs on a fourth node without the hydfs role, so every append and read crosses remoting.
var client = HyDfsClient.For(cluster.Systems[^1]);
while ((await client.ListMembersAsync()).Count < 3) await Task.Delay(100);

Console.WriteLine($"HyDFS benchmark: 3 nodes, R=3, fsync on, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{"case",-34} {"appends",9} {"seconds",8} {"appends/s",11} {"MB/s",8}");

await AppendCase("small appends (16 B), one client", "bench-small", 16, quick ? 40_000 : 200_000, window: 16384);
await AppendCase("1 KiB appends, one client", "bench-1k", 1024, quick ? 10_000 : 50_000, window: 2048);
await AppendCase("64 KiB appends, one client", "bench-64k", 64 * 1024, quick ? 400 : 1600, window: 128);
await GetCase("get of the 64 KiB-appends file", "bench-64k");
await cluster.DisposeAsync();
await ReReplicationCase(quick ? 20 : 100);
return 0;

async Task AppendCase(string label, string name, int size, int count, int window)
{
    await client.CreateAsync(name, ReadOnlyMemory<byte>.Empty);
    var payload = new byte[size];
    new Random(1).NextBytes(payload);
    var inFlight = new Queue<Task>();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        inFlight.Enqueue(client.AppendAsync(name, payload));
        if (inFlight.Count >= window) await inFlight.Dequeue();
    }
    await Task.WhenAll(inFlight);
    watch.Stop();
    var length = await client.GetLengthAsync(name);
    if (length != (long)size * count) throw new InvalidOperationException($"{name}: length {length}, expected {(long)size * count}");
    Report(label, count, watch.Elapsed, (long)size * count);
}

async Task GetCase(string label, string name)
{
    var watch = Stopwatch.StartNew();
    long bytes = 0;
    await foreach (var chunk in client.ReadAsync(name)) bytes += chunk.Length;
    watch.Stop();
    Report(label, 0, watch.Elapsed, bytes);
}

static void Report(string label, int count, TimeSpan elapsed, long bytes) =>
    Console.WriteLine($"{label,-34} {(count > 0 ? count.ToString() : "-"),9} {elapsed.TotalSeconds,8:0.00} {(count > 0 ? (count / elapsed.TotalSeconds).ToString("0") : "-"),11} {bytes / elapsed.TotalSeconds / 1e6,8:0.0}");

// A replica of an N MB file leaves a 4-node cluster: time until the 3 replicas of the new ring hold all of it.
static async Task ReReplicationCase(int megabytes)
{
    var (cluster, client, local) = await BenchCluster.StartWithBigFileAsync(megabytes);
    await using var _ = cluster;
    await client.CreateFromFileAsync("big.bin", local);
    var length = megabytes * 1024L * 1024;

    var replicas = (await client.LsAsync("big.bin")).Replicas.Select(r => r.Node).ToList();
    var nodes = cluster.Systems.Take(4).Select(s => (System: s, Node: $"{Akka.Cluster.Cluster.Get(s).SelfAddress.Host}:{Akka.Cluster.Cluster.Get(s).SelfAddress.Port}")).ToList();
    var victim = nodes.FindIndex(n => n.Node == replicas[0]);
    var watch = Stopwatch.StartNew();
    await cluster.StopNodeAsync(victim);
    var stopped = watch.Elapsed;
    var survivors = nodes.Where((_, i) => i != victim).ToList();
    while (true)
    {
        var full = 0;
        foreach (var (system, _) in survivors)
        {
            var listing = await HyDfsClient.For(system).ListStoreAsync();
            if (listing.Files.Any(f => f.Name == "big.bin" && f.Length == length)) full++;
        }
        if (full == 3) break;
        if (watch.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("re-replication did not finish in 2 minutes");
        await Task.Delay(50);
    }
    Console.WriteLine($"re-replication of a {megabytes} MB file after its primary left: 3 full copies {watch.Elapsed.TotalSeconds:0.0}s after the leave started (node gone after {stopped.TotalSeconds:0.0}s)");
}
