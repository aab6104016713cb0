using System.Diagnostics;
using RainStorm.Actors.HyDfs;
using RainStorm.Bench.HyDfs;

// HyDFS throughput on 3 in-process hydfs nodes (replication factor 3, fsync on every replica before each ack).
// Usage: dotnet run -c Release --project bench/RainStorm.Bench.HyDfs [-- --quick]
var quick = args.Contains("--quick");
await using var cluster = await BenchCluster.StartAsync(3);
// The client runs on a fourth node without the hydfs role, so every append and read crosses remoting.
var client = HyDfsClient.For(cluster.Systems[^1]);
while ((await client.ListMembersAsync()).Count < 3) await Task.Delay(100);

Console.WriteLine($"HyDFS benchmark: 3 nodes, R=3, fsync on, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{"case",-34} {"appends",9} {"seconds",8} {"appends/s",11} {"MB/s",8}");

await AppendCase("small appends (16 B), one client", "bench-small", 16, quick ? 40_000 : 200_000, window: 16384);
await AppendCase("1 KiB appends, one client", "bench-1k", 1024, quick ? 10_000 : 50_000, window: 2048);
await AppendCase("64 KiB appends, one client", "bench-64k", 64 * 1024, quick ? 400 : 1600, window: 64);
await GetCase("get of the 64 KiB-appends file", "bench-64k");

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
