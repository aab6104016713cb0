using System.Text;
using System.Text.Json;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

[Collection(ClusterCollection.Name)]
public sealed class HyDfsCommandTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _local = Directory.CreateTempSubdirectory("rainstorm-cmd-client-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    private string LocalFile(string name, byte[]? content = null)
    {
        var path = Path.Combine(_local, name);
        if (content is not null) File.WriteAllBytes(path, content);
        return path;
    }

    private static string UniqueName(string stem) => $"{stem}-{Guid.NewGuid():N}.txt";

    private Task<RunResult> Hydfs(int node, params string[] args) => ClientRun.RunAsync(cluster.Nodes[node].CmdEndpoint, ["hydfs", .. args]);

    [Fact]
    public async Task Create_get_and_append_move_the_clients_bytes_in_chunks()
    {
        var content = new byte[3 * 1024 * 1024 + 12345]; // several 256 KiB frames and 1 MiB pieces
        new Random(7).NextBytes(content);
        var name = UniqueName("big");

        var created = await Hydfs(0, "create", LocalFile("big.bin", content), name);
        Assert.Equal(0, created.Exit);
        Assert.Equal($"created {name} ({content.Length} bytes)", created.Out.Trim());

        var got = await Hydfs(2, "get", name, LocalFile("big.copy"));
        Assert.Equal(0, got.Exit);
        Assert.Equal(content, await File.ReadAllBytesAsync(LocalFile("big.copy")));

        var appended = await Hydfs(1, "append", LocalFile("tail.bin", "tail line\n"u8.ToArray()), name);
        Assert.Equal(0, appended.Exit);
        Assert.Equal($"appended 10 bytes to {name}", appended.Out.Trim());
        Assert.Equal(0, (await Hydfs(1, "get", name, LocalFile("big.after"))).Exit);
        var after = await File.ReadAllBytesAsync(LocalFile("big.after"));
        Assert.Equal(content.Concat("tail line\n"u8.ToArray()), after);
    }

    [Fact]
    public async Task Ls_shows_the_file_id_and_three_replicas_in_text_and_json()
    {
        var name = UniqueName("ls");
        Assert.Equal(0, (await Hydfs(0, "create", LocalFile("ls.txt", "a\n"u8.ToArray()), name)).Exit);

        var text = await Hydfs(1, "ls", name);
        Assert.Equal(0, text.Exit);
        Assert.StartsWith($"file {name} (id ", text.OutLines[0]);
        Assert.Equal(["NODE", "RING_ID"], text.OutLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, text.OutLines.Count - 2);

        var json = await Hydfs(1, "ls", name, "-o", "json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(["file", "id", "replicas"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(name, doc.RootElement.GetProperty("file").GetString());
        Assert.Contains(doc.RootElement.GetProperty("id").GetInt64().ToString(), text.OutLines[0]);
        var replicas = doc.RootElement.GetProperty("replicas").EnumerateArray().ToList();
        Assert.Equal(cluster.Nodes.Select(n => n.Address).Order(), replicas.Select(r => r.GetProperty("node").GetString()).Order());
        Assert.All(replicas, r => Assert.Equal(["node", "ring_id"], r.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task Liststore_and_list_mem_ids_describe_the_ring()
    {
        var name = UniqueName("store");
        Assert.Equal(0, (await Hydfs(0, "create", LocalFile("store.txt", "xyz"u8.ToArray()), name)).Exit);

        var members = await Hydfs(2, "list_mem_ids", "-o", "json");
        using var doc = JsonDocument.Parse(members.Out);
        Assert.All(doc.RootElement.EnumerateArray(), m => Assert.Equal(["node", "ring_id"], m.EnumerateObject().Select(p => p.Name)));
        var ring = doc.RootElement.EnumerateArray().Select(m => (Node: m.GetProperty("node").GetString()!, Id: m.GetProperty("ring_id").GetInt64())).ToList();
        Assert.Equal(cluster.Nodes.Select(n => n.Address).Order(), ring.Select(r => r.Node).Order());
        Assert.Equal(ring.Select(r => r.Id).Order(), ring.Select(r => r.Id));
        var text = await Hydfs(2, "list_mem_ids");
        Assert.Equal("3 members", text.OutLines[^1]);

        await Poll.AssertAsync(async () =>
        {
            var store = await Hydfs(1, "liststore");
            Assert.Equal(0, store.Exit);
            var ringId = ring.Single(r => r.Node == cluster.Nodes[1].Address).Id;
            Assert.StartsWith($"node {cluster.Nodes[1].Address} (ring id {ringId}) stores ", store.OutLines[0]);
            Assert.Contains(store.OutLines, l => l.StartsWith(name) && l.TrimEnd().EndsWith(" 3"));
            var json = await Hydfs(1, "liststore", "-o", "json");
            using var files = JsonDocument.Parse(json.Out);
            var file = files.RootElement.EnumerateArray().Single(f => f.GetProperty("file").GetString() == name);
            Assert.Equal(["file", "id", "bytes"], file.EnumerateObject().Select(p => p.Name));
            Assert.Equal(3, file.GetProperty("bytes").GetInt64());
        });
    }

    [Fact]
    public async Task Merge_then_getfromreplica_returns_the_same_bytes_from_every_replica()
    {
        var name = UniqueName("merge");
        Assert.Equal(0, (await Hydfs(0, "create", LocalFile("m.txt", "one\n"u8.ToArray()), name)).Exit);
        Assert.Equal(0, (await Hydfs(1, "append", LocalFile("m2.txt", "two\n"u8.ToArray()), name)).Exit);

        var merged = await Hydfs(2, "merge", name);
        Assert.Equal(0, merged.Exit);
        Assert.Equal($"merged {name}: all replicas are identical", merged.Out.Trim());
        foreach (var node in cluster.Nodes)
        {
            var copy = LocalFile($"copy-{node.Options.Port}");
            var got = await Hydfs(0, "getfromreplica", node.Address, name, copy);
            Assert.Equal(0, got.Exit);
            Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(copy));
        }
    }

    [Fact]
    public async Task Multiappend_makes_each_named_node_append_its_own_file()
    {
        var name = UniqueName("multi");
        Assert.Equal(0, (await Hydfs(0, "create", LocalFile("multi.txt", "head\n"u8.ToArray()), name)).Exit);
        var a = LocalFile("node-a.txt", "from a\n"u8.ToArray());
        var b = LocalFile("node-b.txt", "from b\n"u8.ToArray());

        var result = await Hydfs(0, "multiappend", name, cluster.Nodes[1].Address, cluster.Nodes[2].Address, a, b);
        Assert.Equal(0, result.Exit);
        Assert.Equal($"2 nodes appended to {name}", result.Out.Trim());

        Assert.Equal(0, (await Hydfs(0, "get", name, LocalFile("multi.out"))).Exit);
        var lines = (await File.ReadAllLinesAsync(LocalFile("multi.out"))).ToList();
        Assert.Equal("head", lines[0]);
        Assert.Equal(["from a", "from b"], lines.Skip(1).Order());
    }

    [Fact]
    public async Task Errors_name_the_file_node_or_argument_and_leave_no_local_file()
    {
        var name = UniqueName("err");
        Assert.Equal(0, (await Hydfs(0, "create", LocalFile("e.txt", "e"u8.ToArray()), name)).Exit);

        var missingLocal = LocalFile("never-there.txt");
        var cases = new (string[] Args, int Exit, string Message)[]
        {
            (["get", "no-such-file.txt", LocalFile("nothing.txt")], 1, "no such file 'no-such-file.txt'"),
            (["ls", "no-such-file.txt"], 1, "no such file 'no-such-file.txt'"),
            (["append", LocalFile("x.txt", "x"u8.ToArray()), "no-such-file.txt"], 1, "no such file 'no-such-file.txt'"),
            (["create", LocalFile("e2.txt", "e"u8.ToArray()), name], 1, name),
            (["create", missingLocal, UniqueName("c")], 1, $"cannot read local file {missingLocal}"),
            (["create", LocalFile("e3.txt", "e"u8.ToArray()), "../escape.txt"], 1, "../escape.txt"),
            (["get", name, Path.Combine(_local, "no-dir", "out.txt")], 1, "cannot write"),
            (["getfromreplica", "127.0.0.1:1", name, LocalFile("r.txt")], 1, "'127.0.0.1:1' is not a hydfs member"),
            (["getfromreplica", "nowhere", name, LocalFile("r.txt")], 2, "<node> 'nowhere' is not host:port"),
            (["multiappend", name, cluster.Nodes[0].Address], 1, "expected K nodes then K local files"),
            (["multiappend", name, "a.txt", "b.txt"], 1, "node 'a.txt' is not host:port"),
            (["get", name], 2, "hydfs get: missing <local>"),
            (["rm", name], 2, "hydfs: unknown sub-command 'rm'"),
            ([], 2, "hydfs: missing sub-command; expected one of create, get"),
            // a local path that is a directory, or cannot be created, is the client's problem: no "got …" line either
            (["get", name, _local], 1, $"cannot write {_local}: it is a directory"),
            (["getfromreplica", cluster.Nodes[2].Address, name, Path.Combine(_local, "no-dir", "r.txt")], 1, "cannot write"),
            (["create", _local, UniqueName("d")], 1, $"cannot read local file {_local}: it is a directory"),
            (["append", missingLocal, name], 1, $"cannot read local file {missingLocal}"),
            // unknown HyDFS files
            (["merge", "no-such-file.txt"], 1, "no such file 'no-such-file.txt'"),
            (["getfromreplica", cluster.Nodes[2].Address, "no-such-file.txt", LocalFile("r.txt")], 1, "holds no replica of 'no-such-file.txt'"),
            (["multiappend", "no-such-file.txt", cluster.Nodes[0].Address, LocalFile("x.txt")], 1, "no such file 'no-such-file.txt'"),
            // unknown nodes, and a node-side file that does not exist
            (["multiappend", name, "127.0.0.1:1", LocalFile("x.txt")], 1, "'127.0.0.1:1' is not a hydfs member"),
            (["multiappend", name, cluster.Nodes[0].Address, missingLocal], 1, $"cannot read local file '{missingLocal}'"),
            // missing and bad arguments of every sub-command
            (["create", LocalFile("x.txt")], 2, "hydfs create: missing <name>"),
            (["append", LocalFile("x.txt")], 2, "hydfs append: missing <name>"),
            (["merge"], 2, "hydfs merge: missing <name>"),
            (["ls"], 2, "hydfs ls: missing <name>"),
            (["ls", name, "-o", "xml"], 2, "'xml' is not one of table, json"),
            (["liststore", "extra"], 2, "hydfs liststore: unexpected argument 'extra'"),
            (["list_mem_ids", "-o"], 2, "hydfs list_mem_ids: -o needs a value"),
            (["getfromreplica", name, LocalFile("r.txt")], 2, $"<node> '{name}' is not host:port"),
            (["multiappend", name], 2, "hydfs multiappend: missing <nodes-then-files>"),
        };
        foreach (var (args, exit, message) in cases)
        {
            var result = await Hydfs(1, args);
            var shown = $"hydfs {string.Join(' ', args)}: exit {result.Exit}, stdout {result.Out}, stderr {result.Err}";
            Assert.True(exit == result.Exit, shown);
            Assert.True(result.Out == "", shown);
            Assert.Contains(message, result.Err);
            Assert.Single(result.Err.Trim().Split('\n'));
        }
        Assert.False(File.Exists(LocalFile("nothing.txt")));
        Assert.False(File.Exists(LocalFile("r.txt")));
        Assert.False(Directory.Exists(Path.Combine(_local, "no-dir")));
        Assert.Equal("e", await File.ReadAllTextAsync(LocalFile("e.txt")));
        Assert.Equal(0, (await Hydfs(2, "get", name, LocalFile("e.out"))).Exit);
        Assert.Equal("e", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(LocalFile("e.out"))));
    }
}
