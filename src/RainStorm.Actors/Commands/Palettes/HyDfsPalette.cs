using System.Text.Json.Nodes;
using Akka.Actor;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>
/// <c>hydfs …</c>: the original HyDFS commands. Local paths are the client's files (their bytes travel over the
/// command connection), except in multiappend, where each named node appends a file of its own.
/// </summary>
public static class HyDfsPalette
{
    public const string Module = "hydfs";
    private const int PieceBytes = 1024 * 1024;
    // Atomic append limit of HyDFS: a local file up to this size is one append; larger ones go in ordered pieces.
    private const int AtomicAppendBytes = 2 * PieceBytes;
    private const int AppendWindow = 8;

    private static ArgumentSpec Name => Arg.Positional("name", "the HyDFS file name");
    private static ArgumentSpec Local(string what) => Arg.Positional("local", what, ValueKind.ClientPath);

    public static CommandPalette Create() => new(Module, "the replicated file system", [
        Command("hydfs create", "create a HyDFS file from a local file (only the first create of a name succeeds)",
            [Local("the local file to upload"), Name], "hydfs create ./signs.csv signs.csv", CreateAsync),
        Command("hydfs get", "download a HyDFS file (every acknowledged append) to a local file",
            [Name, Local("where to write it locally")], "hydfs get out.txt ./out.txt", GetAsync),
        Command("hydfs append", "append a local file to a HyDFS file (atomic up to 2 MiB)",
            [Local("the local file whose bytes are appended"), Name], "hydfs append ./more.csv signs.csv", AppendAsync),
        Command("hydfs merge", "make every replica of a file byte-identical",
            [Name], "hydfs merge signs.csv", MergeAsync),
        Command("hydfs ls", "show a file's id and its replicas with their ring ids",
            [Name, Arg.Output], "hydfs ls signs.csv -o json", LsAsync),
        Command("hydfs liststore", "list the files stored on the connected node, and its ring id",
            [Arg.Output], "hydfs liststore", ListStoreAsync),
        Command("hydfs getfromreplica", "download the copy one replica holds, as it is there (no merge)",
            [Arg.Positional("node", "the replica, host:port", ValueKind.Node), Name, Local("where to write it locally")],
            "hydfs getfromreplica 127.0.0.1:4054 signs.csv ./copy.csv", GetFromReplicaAsync),
        Command("hydfs list_mem_ids", "list the HyDFS ring members with their ring ids, sorted by ring id",
            [Arg.Output], "hydfs list_mem_ids -o json", ListMembersAsync),
        Command("hydfs files", "list every file of the ring: size and the nodes that hold a copy",
            [Arg.Output], "hydfs files -o json", FilesAsync),
        Command("hydfs multiappend", "each named node appends its own local file to a HyDFS file, concurrently: <name> <node1> … <nodeK> <local1> … <localK>",
            [Name, Arg.Rest("nodes-then-files", "K nodes (host:port), then K paths on those nodes")],
            "hydfs multiappend log.txt 127.0.0.1:4053 127.0.0.1:4054 /tmp/a.txt /tmp/b.txt", MultiAppendAsync),
    ]);

    private static PaletteCommand Command(string name, string description, IReadOnlyList<ArgumentSpec> args, string example,
        Func<CommandCall, HyDfsClient, Task> run) =>
        new(new CommandSpec(name, description, args, example), async call =>
        {
            try
            {
                await run(call, HyDfsClient.For(call.System));
                return 0;
            }
            catch (HyDfsException e)
            {
                throw new CommandFailedException(e.Message);
            }
            catch (AskTimeoutException)
            {
                throw new CommandFailedException($"{name}: HyDFS did not answer in time; see 'hydfs list_mem_ids' and 'cluster show'.");
            }
        });

    private static async Task CreateAsync(CommandCall call, HyDfsClient hydfs)
    {
        var name = call.Args["name"];
        await using var input = await call.Console.OpenReadAsync(call.Args["local"], call.Cancellation);
        var first = await ReadAsync(input, PieceBytes, call.Cancellation);
        await hydfs.CreateAsync(name, first, call.Cancellation);
        var bytes = first.Length + await AppendPiecesAsync(hydfs, name, input, call.Cancellation);
        await call.WriteLineAsync($"created {name} ({bytes} bytes)");
    }

    private static async Task AppendAsync(CommandCall call, HyDfsClient hydfs)
    {
        var name = call.Args["name"];
        await using var input = await call.Console.OpenReadAsync(call.Args["local"], call.Cancellation);
        var head = await ReadAsync(input, AtomicAppendBytes + 1, call.Cancellation);
        if (!await hydfs.ExistsAsync(name, call.Cancellation)) throw new CommandFailedException($"no such file '{name}'");
        long bytes;
        if (head.Length <= AtomicAppendBytes)
        {
            await hydfs.AppendAsync(name, head, call.Cancellation);
            bytes = head.Length;
        }
        else
        {
            var pending = new Queue<Task>();
            for (var at = 0; at < head.Length; at += PieceBytes)
                pending.Enqueue(hydfs.AppendAsync(name, head.AsMemory(at, Math.Min(PieceBytes, head.Length - at)), call.Cancellation));
            await Task.WhenAll(pending);
            bytes = head.Length + await AppendPiecesAsync(hydfs, name, input, call.Cancellation);
        }
        await call.WriteLineAsync($"appended {bytes} bytes to {name}");
    }

    private static async Task GetAsync(CommandCall call, HyDfsClient hydfs)
    {
        var name = call.Args["name"];
        var length = await hydfs.GetLengthAsync(name, call.Cancellation); // a missing file leaves no local file behind
        long written = 0;
        await using (var output = await call.Console.OpenWriteAsync(call.Args["local"], call.Cancellation))
        {
            await foreach (var chunk in hydfs.ReadAsync(name, 0, call.Cancellation))
            {
                await output.WriteAsync(chunk, call.Cancellation);
                written += chunk.Length;
            }
        }
        await call.WriteLineAsync($"got {name} ({Math.Max(written, length)} bytes) into {call.Args["local"]}");
    }

    private static async Task MergeAsync(CommandCall call, HyDfsClient hydfs)
    {
        await hydfs.MergeAsync(call.Args["name"], call.Cancellation);
        await call.WriteLineAsync($"merged {call.Args["name"]}: all replicas are identical");
    }

    private static async Task LsAsync(CommandCall call, HyDfsClient hydfs)
    {
        var location = await hydfs.LsAsync(call.Args["name"], call.Cancellation);
        var replicas = new Table(new Column("NODE", "node"), new Column("RING_ID", "ring_id"));
        foreach (var r in location.Replicas) replicas.Add(r.Node, r.RingId);
        if (call.Args.Json)
        {
            var json = new JsonObject { ["file"] = location.File, ["id"] = location.FileId, ["replicas"] = replicas.ToJson() };
            await call.WriteLineAsync(json.ToJsonString());
            return;
        }
        await call.WriteLineAsync($"file {location.File} (id {location.FileId}) on {location.Replicas.Count} replicas, primary first:");
        await call.WriteLinesAsync(replicas.ToLines());
    }

    private static async Task ListStoreAsync(CommandCall call, HyDfsClient hydfs)
    {
        var store = await hydfs.ListStoreAsync(call.Cancellation);
        var files = new Table(new Column("FILE", "file"), new Column("ID", "id"), new Column("BYTES", "bytes"));
        foreach (var f in store.Files.OrderBy(f => f.Name, StringComparer.Ordinal)) files.Add(f.Name, f.FileId, f.Length);
        if (call.Args.Json)
        {
            await call.WriteLineAsync(files.ToJsonText());
            return;
        }
        await call.WriteLineAsync($"node {store.Node} (ring id {store.RingId}) stores {store.Files.Count} file{(store.Files.Count == 1 ? "" : "s")}");
        if (store.Files.Count > 0) await call.WriteLinesAsync(files.ToLines());
    }

    private static async Task GetFromReplicaAsync(CommandCall call, HyDfsClient hydfs)
    {
        // The API copies the replica into a file of this node; from there it travels to the client.
        var spool = Path.Combine(Path.GetTempPath(), $"rainstorm-replica-{Guid.NewGuid():N}");
        try
        {
            await hydfs.GetFromReplicaAsync(call.Args["node"], call.Args["name"], spool, call.Cancellation);
            long bytes;
            await using (var input = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, PieceBytes, useAsync: true))
            await using (var output = await call.Console.OpenWriteAsync(call.Args["local"], call.Cancellation))
            {
                bytes = input.Length;
                await input.CopyToAsync(output, call.Settings.ChunkBytes, call.Cancellation);
            }
            await call.WriteLineAsync($"got {call.Args["name"]} as stored on {call.Args["node"]} ({bytes} bytes) into {call.Args["local"]}");
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static async Task ListMembersAsync(CommandCall call, HyDfsClient hydfs)
    {
        var members = await hydfs.ListMembersAsync(call.Cancellation);
        var table = ClusterViews.Ring(members);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync([.. table.ToLines(), $"{members.Count} member{(members.Count == 1 ? "" : "s")}"]);
    }

    private static async Task FilesAsync(CommandCall call, HyDfsClient hydfs)
    {
        var table = ClusterViews.Files(await ClusterViews.StoresAsync(hydfs, call.Cancellation));
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync(table.Count == 0 ? ["no files"] : table.ToLines());
    }

    private static async Task MultiAppendAsync(CommandCall call, HyDfsClient hydfs)
    {
        var rest = call.Args.Rest;
        var usage = $"Usage: {call.Spec.Usage}";
        if (rest.Count % 2 != 0)
            throw new CommandFailedException($"hydfs multiappend: {rest.Count} values after the name, expected K nodes then K local files. {usage}");
        var k = rest.Count / 2;
        var nodes = rest.Take(k).ToList();
        var bad = nodes.FirstOrDefault(n => !n.Contains(':') || !int.TryParse(n[(n.LastIndexOf(':') + 1)..], out _));
        if (bad is not null)
            throw new CommandFailedException($"hydfs multiappend: node '{bad}' is not host:port (the first half names the nodes). {usage}");
        var appends = nodes.Zip(rest.Skip(k), (node, path) => (node, path)).ToList();
        await hydfs.MultiAppendAsync(call.Args["name"], appends, call.Cancellation);
        await call.WriteLineAsync($"{k} node{(k == 1 ? "" : "s")} appended to {call.Args["name"]}");
    }

    private static async Task<long> AppendPiecesAsync(HyDfsClient hydfs, string name, Stream input, CancellationToken ct)
    {
        // AppendAsync hands its piece to the client's ordered pipeline before returning, so a window of
        // pending appends keeps the order while overlapping the round trips.
        var pending = new Queue<Task>();
        long total = 0;
        while (true)
        {
            var piece = await ReadAsync(input, PieceBytes, ct);
            if (piece.Length == 0) break;
            total += piece.Length;
            pending.Enqueue(hydfs.AppendAsync(name, piece, ct));
            if (pending.Count >= AppendWindow) await pending.Dequeue();
        }
        await Task.WhenAll(pending);
        return total;
    }

    private static async Task<byte[]> ReadAsync(Stream input, int max, CancellationToken ct)
    {
        var buffer = new byte[max];
        var read = await input.ReadAtLeastAsync(buffer, max, throwOnEndOfStream: false, ct);
        return read == max ? buffer : buffer[..read];
    }
}
