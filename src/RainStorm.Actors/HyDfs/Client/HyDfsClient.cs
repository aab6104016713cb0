using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.HyDfs.Node;
using RainStorm.Actors.HyDfs.Ring;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.HyDfs;

/// <summary>
/// The HyDFS API for code running on any node of the cluster (with or without the hydfs role).
/// Every instance is a client of its own: its appends are applied in the order they were issued.
/// </summary>
public sealed class HyDfsClient
{
    private const int PieceBytes = 1024 * 1024;
    private const int FileWindow = 16;

    private readonly Client.HyDfsExtension _ext;
    private long _seq;

    private HyDfsClient(Client.HyDfsExtension ext)
    {
        _ext = ext;
        ClientId = $"{NodeName.Of(Cluster.Get(ext.System).SelfAddress)}/{Guid.NewGuid():N}";
    }

    public static HyDfsClient For(ActorSystem system) => new(Client.HyDfsExtension.Get(system));

    /// <summary>Unique per client instance; the idempotency key of its appends is (ClientId, sequence number).</summary>
    public string ClientId { get; }

    private HyDfsSettings Settings => _ext.Settings;

    public async Task CreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        var first = content[..Math.Min(content.Length, PieceBytes)];
        await RequestAsync<Done>(name, new Create(name, first.ToArray(), ClientId, NextSeq()), null, ct);
        var pending = new List<Task>();
        for (var at = first.Length; at < content.Length; at += PieceBytes)
            pending.Add(SubmitAppend(name, content.Slice(at, Math.Min(PieceBytes, content.Length - at)).ToArray(), ClientId, NextSeq()));
        await WhenAll(pending, ct);
    }

    /// <summary>Creates <paramref name="name"/> from a local file of any size, streamed in 1 MiB pieces.</summary>
    public async Task CreateFromFileAsync(string name, string localPath, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        await using var input = OpenLocal(localPath);
        var first = await ReadPiece(input, ct);
        await RequestAsync<Done>(name, new Create(name, first, ClientId, NextSeq()), null, ct);
        await AppendRestAsync(name, input, ct);
    }

    public Task AppendAsync(string name, ReadOnlyMemory<byte> data, CancellationToken ct = default) =>
        AppendAsync(name, data, ClientId, NextSeq(), ct);

    /// <summary>
    /// Appends with an explicit idempotency key: a repeated (clientId, seq) is applied once. Sequence numbers of one
    /// clientId must increase per file. Appends up to 2 MiB are atomic; larger data is split into 1 MiB appends.
    /// </summary>
    public async Task AppendAsync(string name, ReadOnlyMemory<byte> data, string clientId, long seq, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        if (string.IsNullOrEmpty(clientId)) throw new HyDfsException("an append needs a non-empty client id.");
        if (data.Length <= FileActor.MaxAppendBytes)
        {
            await WaitAsync(SubmitAppend(name, data.ToArray(), clientId, seq), ct);
            return;
        }
        if (clientId != ClientId)
            throw new HyDfsException($"an append with an explicit key is limited to {FileActor.MaxAppendBytes} bytes.");
        var pending = new List<Task> { SubmitAppend(name, data[..PieceBytes].ToArray(), clientId, seq) };
        for (var at = PieceBytes; at < data.Length; at += PieceBytes)
            pending.Add(SubmitAppend(name, data.Slice(at, Math.Min(PieceBytes, data.Length - at)).ToArray(), clientId, NextSeq()));
        await WhenAll(pending, ct);
    }

    /// <summary>Appends a local file: one atomic append up to 2 MiB, else 1 MiB appends in order.</summary>
    internal async Task AppendFromFileAsync(string name, string localPath, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        await using var input = OpenLocal(localPath);
        if (input.Length <= FileActor.MaxAppendBytes)
        {
            var all = new byte[input.Length];
            await input.ReadExactlyAsync(all, ct);
            await AppendAsync(name, all, ct);
            return;
        }
        await AppendRestAsync(name, input, ct);
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        return (await RequestAsync<StatResult>(name, new Stat(name), null, ct)).Exists;
    }

    public async Task<long> GetLengthAsync(string name, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        var stat = await RequestAsync<StatResult>(name, new Stat(name), null, ct);
        return stat.Exists ? stat.Length : throw new HyDfsException($"no such file '{name}'");
    }

    /// <summary>Every acknowledged append, from the primary, in chunks of at most 1 MiB.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string name, long offset = 0, [EnumeratorCancellation] CancellationToken ct = default)
    {
        FileNames.Validate(name);
        if (offset < 0) throw new HyDfsException($"read of '{name}': offset {offset} is negative.");
        while (true)
        {
            var result = await ReadChunkAsync(name, offset, ct);
            if (result.Data.Length == 0) yield break;
            yield return result.Data;
            offset += result.Data.Length;
            if (offset >= result.Length) yield break;
        }
    }

    /// <summary>One chunk (at most <see cref="HyDfsSettings.ChunkSize"/>) of the primary's copy from <paramref name="offset"/>,
    /// with the file's length; empty at or past the end.</summary>
    public Task<ReadResult> ReadChunkAsync(string name, long offset, CancellationToken ct = default) =>
        RequestAsync<ReadResult>(name, new Read(name, offset, Settings.ChunkSize), null, ct);

    public async Task<byte[]> GetAsync(string name, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await foreach (var chunk in ReadAsync(name, 0, ct)) buffer.Write(chunk.Span);
        return buffer.ToArray();
    }

    public async Task GetToFileAsync(string name, string localPath, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        await using var output = CreateLocal(localPath);
        await foreach (var chunk in ReadAsync(name, 0, ct)) await output.WriteAsync(chunk, ct);
    }

    /// <summary>Makes every live replica byte-identical to the primary's copy.</summary>
    public async Task MergeAsync(string name, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        await RequestAsync<Done>(name, new Merge(name), Settings.RequestTimeout, ct);
    }

    /// <summary>The file's id and the replicas that hold a copy of it now (its ring's replicas, asked), primary first.</summary>
    public async Task<FileLocation> LsAsync(string name, CancellationToken ct = default)
    {
        if (!await ExistsAsync(name, ct)) throw new HyDfsException($"no such file '{name}'");
        var replicas = _ext.Ring.Replicas(name, Settings.ReplicationFactor);
        var holds = await Task.WhenAll(replicas.Select(r => HoldsAsync(r.Node, name, ct)));
        return new FileLocation(name, HashRing.FileId(name), replicas.Where((_, i) => holds[i]).ToList());
    }

    private async Task<bool> HoldsAsync(string node, string name, CancellationToken ct)
    {
        try
        {
            return await _ext.Peers.Of(node).Ask<object>(new Query(name), TimeSpan.FromSeconds(5), ct) is QueryResult { Exists: true };
        }
        catch (AskTimeoutException)
        {
            return false; // not answering: not a live replica
        }
    }

    /// <summary>The files stored on the node this client runs on (which needs the hydfs role).</summary>
    public async Task<StoreListing> ListStoreAsync(CancellationToken ct = default)
    {
        if (!Cluster.Get(_ext.System).SelfRoles.Contains(ClusterRing.Role))
            throw new HyDfsException("this node stores no HyDFS files (it has no hydfs role).");
        return await _ext.System.ActorSelection($"/user/{PeerDirectory.ActorName}")
            .Ask<StoreListing>(new ListStore(), TimeSpan.FromSeconds(10), ct);
    }

    /// <summary>The files stored on <paramref name="node"/> (host:port, a hydfs member); null if it does not answer in time.</summary>
    public async Task<StoreListing?> ListStoreOfAsync(string node, CancellationToken ct = default)
    {
        RequireMember(node);
        try
        {
            return await _ext.Peers.Selection(node).Ask<StoreListing>(new ListStore(), TimeSpan.FromSeconds(5), ct);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Copies the replica stored on <paramref name="node"/> (host:port) as it is there, without merging.</summary>
    public async Task GetFromReplicaAsync(string node, string name, string localPath, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        RequireMember(node);
        await using var output = CreateLocal(localPath);
        long offset = 0;
        while (true)
        {
            var reply = await AskNode(node, new ReadLocal(name, offset, Settings.ChunkSize), TimeSpan.FromSeconds(15), ct);
            if (reply is Failed failed) throw new HyDfsException(failed.Message);
            var result = (ReadResult)reply;
            if (result.Data.Length == 0) return;
            await output.WriteAsync(result.Data, ct);
            offset += result.Data.Length;
            if (offset >= result.Length) return;
        }
    }

    public Task<IReadOnlyList<RingMember>> ListMembersAsync(CancellationToken ct = default) =>
        Task.FromResult(_ext.Ring.Members);

    /// <summary>Each named node appends its own local file to <paramref name="name"/>; all run concurrently.</summary>
    public async Task MultiAppendAsync(string name, IReadOnlyList<(string Node, string LocalPath)> appends, CancellationToken ct = default)
    {
        FileNames.Validate(name);
        if (appends.Count == 0) throw new HyDfsException("multiappend needs at least one node and local file.");
        foreach (var (node, _) in appends) RequireMember(node);
        if (!await ExistsAsync(name, ct)) throw new HyDfsException($"no such file '{name}'");
        var replies = await Task.WhenAll(appends.Select(a =>
            AskNode(a.Node, new AppendLocalFile(name, a.LocalPath), Settings.RequestTimeout * 2, ct)));
        var failures = replies.OfType<Failed>().Select(f => f.Message).ToList();
        if (failures.Count > 0) throw new HyDfsException($"multiappend to '{name}' failed: {string.Join("; ", failures)}");
    }

    // ---- plumbing ----

    private long NextSeq() => Interlocked.Increment(ref _seq);

    private Task SubmitAppend(string name, byte[] data, string clientId, long seq)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ext.Appender.Tell(new Client.ClientActor.Submit(name, data, clientId, seq, done));
        return done.Task;
    }

    private async Task AppendRestAsync(string name, Stream input, CancellationToken ct)
    {
        var window = new Queue<Task>();
        while (true)
        {
            var piece = await ReadPiece(input, ct);
            if (piece.Length == 0) break;
            window.Enqueue(SubmitAppend(name, piece, ClientId, NextSeq()));
            if (window.Count >= FileWindow) await WaitAsync(window.Dequeue(), ct);
        }
        await WhenAll(window, ct);
    }

    private static async Task<byte[]> ReadPiece(Stream input, CancellationToken ct)
    {
        var buffer = new byte[PieceBytes];
        var read = await input.ReadAtLeastAsync(buffer, PieceBytes, throwOnEndOfStream: false, ct);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    private static FileStream OpenLocal(string localPath)
    {
        try
        {
            return new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HyDfsException($"cannot read local file '{localPath}': {e.Message}");
        }
    }

    private static FileStream CreateLocal(string localPath)
    {
        try
        {
            return new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HyDfsException($"cannot write local file '{localPath}': {e.Message}");
        }
    }

    private void RequireMember(string node)
    {
        if (!_ext.Ring.Contains(node))
            throw new HyDfsException($"'{node}' is not a hydfs member (members: {string.Join(", ", _ext.Ring.Members.Select(m => m.Node))}).");
    }

    private static async Task WaitAsync(Task task, CancellationToken ct) => await task.WaitAsync(ct);

    private static async Task WhenAll(IEnumerable<Task> tasks, CancellationToken ct) => await Task.WhenAll(tasks).WaitAsync(ct);

    private async Task<object> AskNode(string node, object message, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return await _ext.Peers.Of(node).Ask<object>(message, timeout, ct);
        }
        catch (AskTimeoutException)
        {
            throw new HyDfsException($"{node} did not answer within {timeout.TotalSeconds:0}s.");
        }
    }

    /// <summary>Sends a request to the file's primary, following the ring while it changes, until the deadline.</summary>
    private async Task<T> RequestAsync<T>(string name, object message, TimeSpan? perTry, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Settings.RequestTimeout;
        string last = "no hydfs node is up in the cluster";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline) throw new HyDfsException($"'{name}': {last} (gave up after {Settings.RequestTimeout.TotalSeconds:0}s).");
            var primary = _ext.Ring.Primary(name);
            if (primary is null)
            {
                await Task.Delay(200, ct);
                continue;
            }
            object reply;
            try
            {
                var ringChange = _ext.NextRingChange;
                var ask = _ext.Peers.Of(primary).Ask<object>(message, perTry ?? TimeSpan.FromSeconds(5), ct);
                // A request to a node that just left would wait for its timeout: follow the ring instead.
                while (await Task.WhenAny(ask, ringChange) != ask && _ext.Ring.Primary(name) == primary)
                    ringChange = _ext.NextRingChange;
                if (!ask.IsCompleted)
                {
                    last = $"{primary} left the ring";
                    _ = ask.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    continue;
                }
                reply = await ask;
            }
            catch (AskTimeoutException)
            {
                last = $"no answer from {primary}";
                continue;
            }
            switch (reply)
            {
                case T result: return result;
                case Failed failed: throw new HyDfsException(failed.Message);
                case Retry retry:
                    last = retry.Reason;
                    await Task.Delay(100, ct);
                    continue;
                default: throw new HyDfsException($"'{name}': unexpected answer {reply.GetType().Name} from {primary}.");
            }
        }
    }
}
