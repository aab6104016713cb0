using System.Text;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Ring;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>Every HyDFS operation and its error paths on five in-process nodes.</summary>
public sealed class HyDfsOperationsSpec(FiveNodeCluster fixture) : TestKit, IClassFixture<FiveNodeCluster>
{
    private TestCluster Cluster => fixture.Cluster;
    private HyDfsClient ClientOn(int node) => HyDfsClient.For(Cluster[node].System);
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Placement_matches_the_ring_and_ls()
    {
        var ring = new HashRing(Cluster.Nodes.Select(n => n.Address));
        var names = Enumerable.Range(0, 12).Select(i => $"placement/file-{i}.txt").ToList();
        foreach (var name in names) await ClientOn(0).CreateAsync(name, Bytes(name));

        foreach (var name in names)
        {
            var expected = ring.Replicas(name, 3).Select(m => m.Node).ToList();
            var location = await ClientOn(1).LsAsync(name);
            Assert.Equal(expected, location.Replicas.Select(r => r.Node));
            Assert.Equal(StableHash.Of(name), location.FileId);
            await AwaitAssertAsync(async () =>
            {
                var holders = new List<string>();
                foreach (var node in Cluster.Nodes)
                {
                    var listing = await HyDfsClient.For(node.System).ListStoreAsync();
                    // liststore names the connected node with its ring id, and each file with its id
                    Assert.Equal(node.Address, listing.Node);
                    Assert.Equal(StableHash.Of(node.Address), listing.RingId);
                    Assert.All(listing.Files, f => Assert.Equal(HashRing.FileId(f.Name), f.FileId));
                    if (listing.Files.Any(f => f.Name == name && f.Length == Bytes(name).Length)) holders.Add(listing.Node);
                }
                Assert.Equal(expected.OrderBy(x => x), holders.OrderBy(x => x));
            }, Wait);
        }
    }

    [Fact]
    public async Task List_members_is_sorted_by_ring_id_and_has_every_node()
    {
        var members = await ClientOn(2).ListMembersAsync();
        Assert.Equal(Cluster.Nodes.Select(n => n.Address).OrderBy(a => a), members.Select(m => m.Node).OrderBy(a => a));
        Assert.Equal(members.OrderBy(m => m.RingId).ToList(), members);
        Assert.All(members, m => Assert.Equal(StableHash.Of(m.Node), m.RingId));
    }

    [Fact]
    public async Task Create_append_get_with_read_your_writes_from_every_node()
    {
        var writer = ClientOn(3);
        await writer.CreateAsync("ryw.txt", Bytes("first\n"));
        for (var i = 0; i < 20; i++)
        {
            await writer.AppendAsync("ryw.txt", Bytes($"line {i}\n"));
            // visible at once to the writer and to a client on any other node
            var mine = Text(await writer.GetAsync("ryw.txt"));
            var theirs = Text(await ClientOn(i % 5).GetAsync("ryw.txt"));
            Assert.EndsWith($"line {i}\n", mine);
            Assert.Equal(mine, theirs);
        }
        var expected = "first\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n"));
        Assert.Equal(expected, Text(await ClientOn(0).GetAsync("ryw.txt")));
        Assert.Equal(expected.Length, await ClientOn(4).GetLengthAsync("ryw.txt"));
        Assert.True(await ClientOn(1).ExistsAsync("ryw.txt"));
        Assert.False(await ClientOn(1).ExistsAsync("never-created.txt"));
    }

    [Fact]
    public async Task Errors_are_clear_and_change_nothing()
    {
        var client = ClientOn(0);
        await client.CreateAsync("taken.txt", Bytes("original"));

        var exists = await Assert.ThrowsAsync<HyDfsException>(() => client.CreateAsync("taken.txt", Bytes("other")));
        Assert.Contains("already exists", exists.Message);
        var missingAppend = await Assert.ThrowsAsync<HyDfsException>(() => client.AppendAsync("missing.txt", Bytes("x")));
        Assert.Contains("no such file", missingAppend.Message);
        var missingGet = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(2).GetAsync("missing.txt"));
        Assert.Contains("no such file", missingGet.Message);
        await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(2).LsAsync("missing.txt"));
        await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(2).MergeAsync("missing.txt"));

        foreach (var bad in new[] { "", "../escape", "a/../../b", "/etc/passwd", "bad\nname", "tab\tname", new string('x', 300), "dir/", "./x", " padded" })
        {
            var error = await Assert.ThrowsAsync<HyDfsException>(() => client.CreateAsync(bad, Bytes("x")));
            Assert.Contains("bad HyDFS file name", error.Message);
            await Assert.ThrowsAsync<HyDfsException>(() => client.AppendAsync(bad, Bytes("x")));
            await Assert.ThrowsAsync<HyDfsException>(() => client.GetAsync(bad));
        }

        var holders = (await client.LsAsync("taken.txt")).Replicas.Select(r => r.Node).ToList();
        var outsider = Cluster.Nodes.First(n => !holders.Contains(n.Address)).Address;
        var noCopy = await Assert.ThrowsAsync<HyDfsException>(() =>
            client.GetFromReplicaAsync(outsider, "taken.txt", Path.Combine(Cluster.Root, "nocopy.txt")));
        Assert.Contains("holds no replica", noCopy.Message);
        var unknownNode = await Assert.ThrowsAsync<HyDfsException>(() =>
            client.GetFromReplicaAsync("127.0.0.1:1", "taken.txt", Path.Combine(Cluster.Root, "nocopy.txt")));
        Assert.Contains("not a hydfs member", unknownNode.Message);
        var missingLocal = await Assert.ThrowsAsync<HyDfsException>(() =>
            client.CreateFromFileAsync("from-missing-local.txt", Path.Combine(Cluster.Root, "does-not-exist.txt")));
        Assert.Contains("cannot read local file", missingLocal.Message);
        Assert.False(await client.ExistsAsync("from-missing-local.txt"));

        Assert.Equal("original", Text(await ClientOn(4).GetAsync("taken.txt")));
        Assert.False(await client.ExistsAsync("missing.txt"));
        foreach (var node in Cluster.Nodes)
        {
            var listing = await HyDfsClient.For(node.System).ListStoreAsync();
            Assert.DoesNotContain(listing.Files, f => f.Name is "missing.txt" || f.Name.Contains(".."));
            Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(node.Options.DataDir, "hydfs")),
                path => Assert.Matches("^[0-9a-f]{32}\\.(dat|meta|crc)$", Path.GetFileName(path)));
        }
    }

    [Fact]
    public async Task Explicit_idempotency_key_applies_a_repeated_append_once()
    {
        var client = ClientOn(1);
        await client.CreateAsync("idem.txt", Bytes(""));
        await client.AppendAsync("idem.txt", Bytes("a"), "sink-task-1", 1);
        await client.AppendAsync("idem.txt", Bytes("a"), "sink-task-1", 1);
        await ClientOn(3).AppendAsync("idem.txt", Bytes("a"), "sink-task-1", 1);
        await client.AppendAsync("idem.txt", Bytes("b"), "sink-task-1", 2);
        await client.AppendAsync("idem.txt", Bytes("c"), "sink-task-2", 1);
        Assert.Equal("abc", Text(await ClientOn(0).GetAsync("idem.txt")));
    }

    [Fact]
    public async Task Four_concurrent_clients_keep_their_order_lose_nothing_and_merge_to_identical_replicas()
    {
        await ClientOn(0).CreateAsync("concurrent.log", Bytes(""));
        var clients = Enumerable.Range(0, 4).Select(i => (Id: i, Client: ClientOn(i + 1))).ToList();
        await Task.WhenAll(clients.Select(c => Task.WhenAll(
            Enumerable.Range(0, 100).Select(j => c.Client.AppendAsync("concurrent.log", Bytes($"client{c.Id}:{j:D3}|"))).ToList())));

        await ClientOn(2).MergeAsync("concurrent.log");
        var content = Text(await ClientOn(4).GetAsync("concurrent.log"));
        var records = content.Split('|', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(400, records.Length);
        for (var c = 0; c < 4; c++)
        {
            var mine = records.Where(r => r.StartsWith($"client{c}:")).Select(r => int.Parse(r[(r.IndexOf(':') + 1)..])).ToList();
            Assert.Equal(Enumerable.Range(0, 100), mine);
        }

        var location = await ClientOn(0).LsAsync("concurrent.log");
        Assert.Equal(3, location.Replicas.Count);
        var copies = new List<byte[]>();
        foreach (var replica in location.Replicas)
        {
            var local = Path.Combine(Cluster.Root, $"replica-{Guid.NewGuid():N}");
            await ClientOn(0).GetFromReplicaAsync(replica.Node, "concurrent.log", local);
            copies.Add(await File.ReadAllBytesAsync(local));
        }
        Assert.All(copies, copy => Assert.Equal(Bytes(content), copy));
    }

    [Fact]
    public async Task Large_files_move_in_chunks_both_ways()
    {
        var source = Path.Combine(Cluster.Root, "big.bin");
        var data = new byte[5 * 1024 * 1024 + 12345];
        new Random(42).NextBytes(data);
        await File.WriteAllBytesAsync(source, data);
        await ClientOn(4).CreateFromFileAsync("big.bin", source);

        var target = Path.Combine(Cluster.Root, "big.out");
        await ClientOn(2).GetToFileAsync("big.bin", target);
        Assert.Equal(data, await File.ReadAllBytesAsync(target));
        var chunks = new List<int>();
        await foreach (var chunk in ClientOn(1).ReadAsync("big.bin")) chunks.Add(chunk.Length);
        Assert.True(chunks.Count >= 6 && chunks.All(c => c <= 1024 * 1024), string.Join(",", chunks));

        var replica = (await ClientOn(0).LsAsync("big.bin")).Replicas[^1].Node;
        var fromReplica = Path.Combine(Cluster.Root, "big.replica");
        await ClientOn(0).GetFromReplicaAsync(replica, "big.bin", fromReplica);
        Assert.Equal(data, await File.ReadAllBytesAsync(fromReplica));
    }

    [Fact]
    public async Task Multiappend_makes_each_node_append_its_own_local_file()
    {
        await ClientOn(0).CreateAsync("multi.txt", Bytes("head\n"));
        var appends = new List<(string, string)>();
        for (var i = 1; i <= 3; i++)
        {
            var local = Path.Combine(Cluster.Root, $"multi-local-{i}.txt");
            await File.WriteAllTextAsync(local, $"from node {i}\n");
            appends.Add((Cluster[i].Address, local));
        }
        await ClientOn(0).MultiAppendAsync("multi.txt", appends);
        var merged = Text(await ClientOn(4).GetAsync("multi.txt"));
        var lines = merged.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("head", lines[0]);
        Assert.Equal(["from node 1", "from node 2", "from node 3"], lines.Skip(1).Order());

        var error = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(0).MultiAppendAsync("multi.txt", [("127.0.0.1:1", "x")]));
        Assert.Contains("not a hydfs member", error.Message);
        var missing = await Assert.ThrowsAsync<HyDfsException>(() =>
            ClientOn(0).MultiAppendAsync("multi.txt", [(Cluster[1].Address, Path.Combine(Cluster.Root, "nope.txt"))]));
        Assert.Contains("cannot read local file", missing.Message);
        var noFile = await Assert.ThrowsAsync<HyDfsException>(() =>
            ClientOn(0).MultiAppendAsync("multi-missing.txt", [(Cluster[1].Address, appends[0].Item2)]));
        Assert.Contains("no such file", noFile.Message);
        var badName = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(0).MultiAppendAsync("../multi.txt", appends));
        Assert.Contains("bad HyDFS file name", badName.Message);
        var none = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(0).MultiAppendAsync("multi.txt", []));
        Assert.Contains("at least one", none.Message);

        // the failed multiappends changed nothing
        Assert.False(await ClientOn(2).ExistsAsync("multi-missing.txt"));
        Assert.Equal(merged, Text(await ClientOn(3).GetAsync("multi.txt")));
    }

    [Fact]
    public async Task Concurrent_large_appends_are_never_interleaved()
    {
        const int size = 1_500_000; // each one atomic (below the 2 MiB limit), several per replication batch
        await ClientOn(0).CreateAsync("blocks.bin", ReadOnlyMemory<byte>.Empty);
        static byte[] Block(int client, int j)
        {
            var block = new byte[size];
            Array.Fill(block, (byte)(client * 16 + j));
            Encoding.ASCII.GetBytes($"c{client}a{j}").CopyTo(block, 0);
            return block;
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(c =>
        {
            var client = ClientOn(c + 1);
            return Task.WhenAll(Enumerable.Range(0, 4).Select(j => client.AppendAsync("blocks.bin", Block(c, j))).ToList());
        }));

        var content = await ClientOn(0).GetAsync("blocks.bin");
        Assert.Equal(16L * size, content.Length);
        var order = new Dictionary<int, List<int>>();
        for (var at = 0; at < content.Length; at += size)
        {
            var header = Encoding.ASCII.GetString(content, at, 4);
            var (client, j) = (header[1] - '0', header[3] - '0');
            // the whole block is the one append that starts here: nothing of another append inside it
            Assert.True(content.AsSpan(at, size).SequenceEqual(Block(client, j)), $"block at {at} ({header}) is not one whole append");
            (order.TryGetValue(client, out var list) ? list : order[client] = []).Add(j);
        }
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal([0, 1, 2, 3], order[c]));
    }

    [Fact]
    public async Task Many_small_appends_to_one_file_are_coalesced_into_few_disk_writes()
    {
        var client = ClientOn(2);
        await client.CreateAsync("coalesced.log", ReadOnlyMemory<byte>.Empty);
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => client.AppendAsync("coalesced.log", Bytes($"{i:D4};"))).ToList());
        var records = Text(await ClientOn(0).GetAsync("coalesced.log")).Split(';', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"{i:D4}"), records);

        // every disk write of a copy is one commit record in its .meta log: count them on each replica
        var key = FileNames.DiskKey("coalesced.log");
        foreach (var replica in (await client.LsAsync("coalesced.log")).Replicas)
        {
            var node = Cluster.Nodes.Single(n => n.Address == replica.Node);
            var meta = await File.ReadAllBytesAsync(Path.Combine(node.Options.DataDir, "hydfs", key + ".meta"));
            var frames = 0;
            for (var at = 0; at + 8 <= meta.Length; at += 8 + BitConverter.ToInt32(meta, at)) frames++;
            Assert.True(frames <= 100, $"{replica.Node}: {frames} meta records for 2000 appends (not coalesced)");
        }
    }

    [Fact]
    public async Task A_local_file_that_cannot_be_written_is_a_clear_error()
    {
        await ClientOn(0).CreateAsync("to-local.txt", Bytes("data"));
        var directory = Path.Combine(Cluster.Root, "a-directory");
        Directory.CreateDirectory(directory);
        var error = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(1).GetToFileAsync("to-local.txt", directory));
        Assert.Contains("cannot write local file", error.Message);
        var replica = (await ClientOn(0).LsAsync("to-local.txt")).Replicas[0].Node;
        var fromReplica = await Assert.ThrowsAsync<HyDfsException>(() => ClientOn(1).GetFromReplicaAsync(replica, "to-local.txt", directory));
        Assert.Contains("cannot write local file", fromReplica.Message);
        Assert.Equal("data", Text(await ClientOn(2).GetAsync("to-local.txt")));
    }
}
