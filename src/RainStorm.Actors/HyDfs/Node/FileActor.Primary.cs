using Akka.Event;
using Akka.Actor;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Node;

/// <summary>The primary's side: verify on taking over, order and coalesce appends, acknowledge by replica watermarks, merge.</summary>
internal sealed partial class FileActor
{
    public const int MaxAppendBytes = 2 * 1024 * 1024;

    private sealed record Queued(byte[] Data, string ClientId, long Seq, IActorRef ReplyTo, bool IsCreate);
    private sealed record Waiter(long Needed, IActorRef ReplyTo, string ClientId, long Seq, bool IsCreate);
    private sealed record MergeState(IActorRef ReplyTo, long Length, HashSet<string> Pending, DateTime Started);

    private readonly Queue<Queued> _queue = new();
    private readonly Dictionary<string, long> _queuedHighest = new(StringComparer.Ordinal);
    private readonly Queue<Waiter> _waiters = new();
    private readonly Dictionary<string, long> _replicaLength = new();
    private readonly Dictionary<string, DateTime> _replicaOffered = new();
    private readonly HashSet<string> _inSync = new();
    private readonly Dictionary<string, QueryResult> _verifyReplies = new();
    private long _queuedBytes;
    private long _ackedLength;
    private bool _flushPending;
    private bool _verified;
    private int _verifyRound;
    private int _verifyRetries;
    private const int MaxVerifyRetries = 5;
    private MergeState? _merge;

    private bool Blocked => !_verified || _pullSource is not null || _merge is not null || Repairing;

    private void ReceivePrimary()
    {
        Receive<IPrimaryRequest>(request => !_isPrimary, request =>
            Sender.Tell(new Retry(request.Name, $"{_self} is not the primary of '{_name}'", ClientOf(request), SeqOf(request))));
        Receive<IPrimaryRequest>(_ => Blocked, _ => Stash.Stash());
        Receive<Create>(OnCreate);
        Receive<Append>(OnAppend);
        Receive<AppendBatch>(batch =>
        {
            for (var i = 0; i < batch.Seqs.Length; i++)
                OnAppend(new Append(batch.Name, batch.Data[i], batch.ClientId, batch.Seqs[i], batch.PrevSeqs[i]));
        });
        Receive<Stat>(_ => Sender.Tell(new StatResult(_name, _file is not null, Length)));
        Receive<Read>(OnRead);
        Receive<Merge>(OnMerge);
        Receive<Flush>(_ => OnFlush());
        Receive<ReplicaProgress>(OnProgress);
        Receive<QueryResult>(OnQueryResult);
        Receive<VerifyTimeout>(t => t.Round == _verifyRound && !_verified && _pullSource is null, _ => FinishVerify());
        Receive<VerifyTimeout>(_ => { });
        Receive<MergeChecked>(OnMergeChecked);
    }

    internal static string? ClientOf(IPrimaryRequest r) => r switch { Append a => a.ClientId, AppendBatch b => b.ClientId, Create c => c.ClientId, _ => null };
    internal static long SeqOf(IPrimaryRequest r) => r switch { Append a => a.Seq, AppendBatch b => b.Seqs[0], Create c => c.Seq, _ => 0 };

    // ---- taking over ----

    private void BeginVerify()
    {
        _verified = false;
        _verifyReplies.Clear();
        _verifyRound++;
        var others = LiveOthers.ToList();
        if (others.Count == 0)
        {
            FinishVerify();
            return;
        }
        foreach (var node in others) _peers.Of(node).Tell(new Query(_name), Self);
        Timers.StartSingleTimer("verify", new VerifyTimeout(_verifyRound), _settings.VerifyTimeout);
    }

    private void OnQueryResult(QueryResult result)
    {
        _verifyReplies[result.Node] = result;
        _replicaLength[result.Node] = result.Exists ? result.Length : 0;
        if (!_verified && _pullSource is null && LiveOthers.All(_verifyReplies.ContainsKey)) FinishVerify();
    }

    private void FinishVerify()
    {
        // Holding no copy while a live replica has not answered: the file may well be there (it was created before
        // the ring changed). Answering "no such file" would be wrong, so ask again (requests stay stashed) until
        // every live replica answered or left the ring, a few rounds at most.
        if (_file is null && _verifyRetries < MaxVerifyRetries && LiveOthers.Any(n => !_verifyReplies.ContainsKey(n)))
        {
            _verifyRetries++;
            BeginVerify();
            return;
        }
        _verifyRetries = 0;
        var best = _verifyReplies.Values.Where(r => r.Exists && LiveOthers.Contains(r.Node))
            .OrderByDescending(r => r.Length).FirstOrDefault();
        if (best is not null && (_file is null || best.Length > _file.Length))
        {
            StartPull(best.Node);
            return;
        }
        CompleteVerify();
    }

    private void CompleteVerify()
    {
        _verified = true;
        _ackedLength = Math.Max(_ackedLength, Length);
        _inSync.Clear();
        foreach (var reply in _verifyReplies.Values)
            if (reply.Exists == (_file is not null) && reply.Length == Length) _inSync.Add(reply.Node);
        Unstash();
    }

    private void StepDown()
    {
        _verified = false;
        while (_queue.TryDequeue(out var queued))
            queued.ReplyTo.Tell(new Retry(_name, "the primary moved", queued.ClientId, queued.Seq));
        _queuedHighest.Clear();
        _queuedBytes = 0;
        while (_waiters.TryDequeue(out var waiter))
            waiter.ReplyTo.Tell(new Retry(_name, "the primary moved", waiter.ClientId, waiter.Seq));
        if (_merge is not null)
        {
            _merge.ReplyTo.Tell(new Retry(_name, "the primary moved"));
            _merge = null;
        }
        // Bytes no other replica confirmed and we never acknowledged are a torn batch: drop them so that the
        // copies stay prefixes of the new primary's sequence (the clients resend those appends there).
        var keep = Math.Max(_ackedLength, _replicaLength.Values.DefaultIfEmpty(0).Max());
        if (_file is not null && keep < _file.Length) _file.TruncateTo(keep);
        if (_file is not null) _index.Set(_name, _file.Length);
        Unstash();
    }

    // ---- requests ----

    private void OnCreate(Create create)
    {
        if (_file is not null)
        {
            if (HighestSeq(create.ClientId) >= create.Seq)
                _waiters.Enqueue(new Waiter(Length + _queuedBytes, Sender, create.ClientId, create.Seq, IsCreate: true));
            else
                Sender.Tell(new Failed(_name, $"'{_name}' already exists"));
            ReleaseAcks();
            return;
        }
        if (create.Content.Length > MaxAppendBytes)
        {
            Sender.Tell(new Failed(_name, $"the first chunk of '{_name}' is larger than {MaxAppendBytes} bytes"));
            return;
        }
        EnsureFile();
        _inSync.UnionWith(LiveOthers);
        Enqueue(new Queued(create.Content, create.ClientId, create.Seq, Sender, IsCreate: true));
    }

    private void OnAppend(Append append)
    {
        if (_file is null)
        {
            Sender.Tell(new Failed(_name, $"no such file '{_name}'", append.ClientId, append.Seq));
            return;
        }
        var highest = HighestSeq(append.ClientId);
        if (append.Seq <= highest)
        {
            _waiters.Enqueue(new Waiter(Length + _queuedBytes, Sender, append.ClientId, append.Seq, IsCreate: false));
            ReleaseAcks();
            return;
        }
        if (append.PrevSeq != NoPrevious && highest < append.PrevSeq)
        {
            Sender.Tell(new AppendGap(_name, append.ClientId, highest));
            return;
        }
        if (append.Data.Length > MaxAppendBytes)
        {
            Sender.Tell(new Failed(_name, $"an append to '{_name}' is larger than {MaxAppendBytes} bytes", append.ClientId, append.Seq));
            return;
        }
        Enqueue(new Queued(append.Data, append.ClientId, append.Seq, Sender, IsCreate: false));
        HyDfsMetrics.For(Context.System).Appended(append.Data.Length);
    }

    private long HighestSeq(string clientId)
    {
        var stored = _file?.HighestSeq(clientId) ?? long.MinValue;
        return _queuedHighest.TryGetValue(clientId, out var queued) ? Math.Max(stored, queued) : stored;
    }

    private void Enqueue(Queued item)
    {
        _queue.Enqueue(item);
        _queuedBytes += item.Data.Length;
        _queuedHighest[item.ClientId] = item.Seq;
        if (_flushPending) return;
        _flushPending = true;
        // Appends already in the mailbox arrive before this Flush: that is what coalesces them into one batch.
        Self.Tell(new Flush());
    }

    private void OnRead(Read read)
    {
        if (_file is null)
        {
            Sender.Tell(new Failed(_name, $"no such file '{_name}'"));
            return;
        }
        var max = Math.Clamp(read.MaxBytes, 1, _settings.ChunkSize);
        if (ReadOrRepair(read.Offset, max) is { } data) Sender.Tell(new ReadResult(_name, read.Offset, data, _file.Length));
        else Sender.Tell(new Retry(_name, CorruptReason));
    }

    // ---- writing and acknowledging ----

    private void OnFlush()
    {
        _flushPending = false;
        if (_queue.Count == 0 || _file is null || !_isPrimary) return;
        var batch = new List<Queued>();
        long bytes = 0;
        while (_queue.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Data.Length <= _settings.MaxBatchBytes))
        {
            batch.Add(_queue.Dequeue());
            bytes += next.Data.Length;
        }
        _queuedBytes -= bytes;
        if (_queue.Count == 0) _queuedHighest.Clear();

        var offset = _file.Length;
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var q in batch) entries[q.ClientId] = q.Seq;
        try
        {
            AppendBatch(batch, bytes, offset, entries);
        }
        catch (IOException e)
        {
            RefuseWrites(batch, e);
            return;
        }
        _index.Set(_name, _file.Length);
        foreach (var q in batch) _waiters.Enqueue(new Waiter(_file.Length, q.ReplyTo, q.ClientId, q.Seq, q.IsCreate));
        ReleaseAcks();
        if (_queue.Count > 0)
        {
            _flushPending = true;
            Self.Tell(new Flush());
        }
    }

    /// <summary>The disk refused the batch (it is full, or failing): nothing of it was applied, and every append still
    /// queued behind it is refused too, so none is acknowledged out of order. Earlier appends are intact; the next
    /// append tries the disk again, so the file serves again once space returns.</summary>
    private void RefuseWrites(List<Queued> batch, IOException e)
    {
        var reason = $"{_self} could not write '{_name}' to its disk ({e.Message.TrimEnd('.')}); the append was not applied and " +
                     "the file keeps every earlier append";
        _log.Error("HyDFS {0}", reason);
        foreach (var q in batch.Concat(_queue)) q.ReplyTo.Tell(new Failed(_name, reason, q.ClientId, q.Seq));
        _queue.Clear();
        _queuedHighest.Clear();
        _queuedBytes = 0;
    }

    private void AppendBatch(List<Queued> batch, long bytes, long offset, Dictionary<string, long> entries)
    {
        _file!.Append(batch.Select(q => (ReadOnlyMemory<byte>)q.Data).ToList(), entries, () =>
        {
            // Replicas write this batch while we flush ours; the ack waits for every copy anyway.
            var data = new byte[bytes];
            var at = 0;
            foreach (var q in batch)
            {
                q.Data.CopyTo(data, at);
                at += q.Data.Length;
            }
            var write = new ReplicaWrite(_name, offset, data, entries.Select(e => new DedupEntry(e.Key, e.Value)).ToArray(), _self);
            foreach (var node in _replicas.Where(r => r != _self)) _peers.Of(node).Tell(write, Self);
        });
    }

    private void OnProgress(ReplicaProgress progress)
    {
        _replicaLength[progress.Node] = Math.Max(_replicaLength.GetValueOrDefault(progress.Node), progress.Length);
        _replicaOffered.Remove(progress.Node);
        if (_isPrimary && _verified) ReleaseAcks();
    }

    /// <summary>
    /// Acknowledges what every in-sync live replica holds. A replica that is catching up does not hold acks back,
    /// unless no other replica is in sync: an ack always means two copies on disk when two nodes are live.
    /// </summary>
    private void ReleaseAcks()
    {
        if (_file is null) return;
        var length = _file.Length;
        foreach (var node in LiveOthers)
            if (_replicaLength.GetValueOrDefault(node) >= length) _inSync.Add(node);
        var live = LiveOthers.ToList();
        var synced = live.Where(_inSync.Contains).ToList();
        var watermark = length;
        foreach (var node in synced) watermark = Math.Min(watermark, _replicaLength.GetValueOrDefault(node));
        if (synced.Count == 0 && live.Count > 0)
            watermark = Math.Min(watermark, live.Max(n => _replicaLength.GetValueOrDefault(n)));
        _ackedLength = Math.Max(_ackedLength, watermark);

        var appendAcks = new Dictionary<(IActorRef, string), long>();
        while (_waiters.TryPeek(out var waiter) && waiter.Needed <= watermark)
        {
            _waiters.Dequeue();
            if (waiter.IsCreate) waiter.ReplyTo.Tell(new Done(_name));
            else appendAcks[(waiter.ReplyTo, waiter.ClientId)] = Math.Max(appendAcks.GetValueOrDefault((waiter.ReplyTo, waiter.ClientId), long.MinValue), waiter.Seq);
        }
        foreach (var ((replyTo, client), seq) in appendAcks) replyTo.Tell(new AppendAck(_name, client, seq));
        CheckMerge();
    }

    private void PrimaryTick(DateTime now)
    {
        if (!_verified || _file is null) return;
        foreach (var node in LiveOthers)
        {
            if (_replicaLength.TryGetValue(node, out var length) && length >= _file.Length) continue;
            if (_replicaOffered.TryGetValue(node, out var at) && now - at < _settings.ReplicaRetryInterval * 2) continue;
            _replicaOffered[node] = now;
            _peers.Of(node).Tell(new Offer(_name, _self, _file.Length), Self);
        }
        if (_merge is not null && now - _merge.Started > _settings.RequestTimeout)
        {
            _merge.ReplyTo.Tell(new Failed(_name, $"merge of '{_name}': replicas {string.Join(", ", _merge.Pending)} did not confirm in time"));
            _merge = null;
            Unstash();
        }
    }

    // ---- merge ----

    private void OnMerge(Merge merge)
    {
        if (_file is null)
        {
            Sender.Tell(new Failed(_name, $"no such file '{_name}'"));
            return;
        }
        while (_queue.Count > 0) OnFlush();
        if (MergeWaitsForRepair()) return;
        var others = LiveOthers.ToList();
        _merge = new MergeState(Sender, _file.Length, others.ToHashSet(), DateTime.UtcNow);
        var check = new MergeCheck(_name, _file.Length, _file.BlockChecksums(_file.Length, _settings.ChunkSize), _settings.ChunkSize, _self);
        foreach (var node in others) _peers.Of(node).Tell(check, Self);
        CheckMerge();
    }

    private void OnMergeChecked(MergeChecked result)
    {
        _replicaLength[result.Node] = result.Length;
        if (_merge is not null && result.Length == _merge.Length) _merge.Pending.Remove(result.Node);
        CheckMerge();
    }

    private void CheckMerge()
    {
        if (_merge is null) return;
        _merge.Pending.IntersectWith(LiveOthers);
        if (_merge.Pending.Count > 0) return;
        _merge.ReplyTo.Tell(new Done(_name));
        _merge = null;
        Unstash();
    }
}
