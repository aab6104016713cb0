namespace RainStorm.Integration.Tests.Support;

/// <summary>One client appending numbered lines (<c>append-k</c>) to a HyDFS file through one node's command endpoint,
/// one append after the other, until stopped. Only an append that exited 0 counts as acknowledged.</summary>
public sealed class AppendBurst
{
    private readonly List<int> _acknowledged = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private AppendBurst(NetnsCluster cluster, int node, string file) => _running = Task.Run(async () =>
    {
        for (var k = 0; !_stop.IsCancellationRequested; k++)
        {
            var piece = Path.Combine(cluster.Scratch, $"{file}-{k}.piece");
            await File.WriteAllTextAsync(piece, $"append-{k}\n");
            if ((await cluster.RunAsync(node, "hydfs", "append", piece, file)).Exit == 0)
                lock (_acknowledged) _acknowledged.Add(k);
            File.Delete(piece);
        }
    });

    public int Acknowledged
    {
        get { lock (_acknowledged) return _acknowledged.Count; }
    }

    /// <summary>Creates <paramref name="file"/> with the first line <c>start</c> through <paramref name="node"/>.</summary>
    public static async Task CreateAsync(NetnsCluster cluster, int node, string file)
    {
        var first = Path.Combine(cluster.Scratch, $"{file}.first");
        await File.WriteAllTextAsync(first, "start\n");
        await cluster.RunOkAsync(node, "hydfs", "create", first, file);
    }

    /// <summary>Starts appending to the created <paramref name="file"/> through <paramref name="node"/>.</summary>
    public static AppendBurst Start(NetnsCluster cluster, int node, string file) => new(cluster, node, file);

    public Task UntilAcknowledgedAsync(int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => Task.FromResult(Acknowledged >= count), timeout, $"{count} acknowledged appends");

    /// <summary>Stops appending and returns the numbers of the acknowledged appends.</summary>
    public async Task<IReadOnlyList<int>> StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        lock (_acknowledged) return [.. _acknowledged];
    }

    /// <summary>Every acknowledged append is in <paramref name="lines"/> (the file as read), after the first line, once
    /// each and in the order they were made; returns the numbers found.</summary>
    public static IReadOnlyList<int> AssertNoneLost(IReadOnlyList<string> lines, IReadOnlyList<int> acknowledged)
    {
        Assert.Equal("start", lines[0]);
        var numbers = lines.Skip(1).Select(l => int.Parse(l["append-".Length..])).ToList();
        Assert.Equal(numbers.Distinct().Count(), numbers.Count);
        Assert.Equal(numbers.Order(), numbers);
        var missing = acknowledged.Except(numbers).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged appends are missing, first append-{missing.FirstOrDefault()}");
        return numbers;
    }
}
