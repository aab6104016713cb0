using Akka.Actor;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Node;

/// <summary>The replica's side: apply the primary's batches in order, pull missing tails, answer merges, hand off.</summary>
internal sealed partial class FileActor
{
    private string? _pullSource;
    private DateTime _pullActivity;
    private string? _primaryHint;
    private (MergeCheck Check, IActorRef ReplyTo)? _pendingCheck;
    private readonly Dictionary<string, OfferReply> _handOff = new();

    private void ReceiveReplica()
    {
        Receive<ReplicaWrite>(OnReplicaWrite);
        Receive<Pull>(OnPull);
        Receive<Chunk>(OnChunk);
        Receive<Failed>(_ => _pullSource is not null, _ =>
        {
            _pullSource = null;
            PullFinished();
        });
        Receive<Failed>(_ => { });
        Receive<Offer>(OnOffer);
        Receive<OfferReply>(OnOfferReply);
        Receive<Query>(_ => Sender.Tell(new QueryResult(_name, _self, _file is not null, Length)));
        Receive<ReadLocal>(OnReadLocal);
        Receive<MergeCheck>(check => OnMergeCheck(check, Sender));
    }

    private void OnReplicaWrite(ReplicaWrite write)
    {
        if (_isPrimary) return; // a stale primary; the real one (us) decides the order now
        _primaryHint = write.Primary;
        if (_pullSource is not null) return; // the running pull brings these bytes too
        if (_file is null && write.Offset == 0) EnsureFile();
        if (_file is null || write.Offset > _file.Length)
        {
            StartPull(write.Primary);
            return;
        }
        if (write.Offset == _file.Length)
        {
            _file.Append(write.Data, write.Entries.Select(e => new KeyValuePair<string, long>(e.ClientId, e.Seq)).ToList());
            _index.Set(_name, _file.Length);
        }
        else if (write.Offset + write.Data.Length > _file.Length)
        {
            StartPull(write.Primary);
            return;
        }
        Sender.Tell(new ReplicaProgress(_name, _self, _file.Length));
    }

    private void OnReadLocal(ReadLocal read)
    {
        if (_file is null)
        {
            Sender.Tell(new Failed(_name, $"{_self} holds no replica of '{_name}'"));
            return;
        }
        var max = Math.Clamp(read.MaxBytes, 1, _settings.ChunkSize);
        if (ReadOrRepair(read.Offset, max) is { } data) Sender.Tell(new ReadResult(_name, read.Offset, data, _file.Length));
        else Sender.Tell(new Failed(_name, CorruptReason));
    }

    // ---- transfers: the receiver pulls one chunk at a time, so memory per transfer stays at one chunk ----

    private void StartPull(string source)
    {
        if (_pullSource is not null || source == _self) return;
        _pullSource = source;
        _pullActivity = DateTime.UtcNow;
        _peers.Of(source).Tell(new Pull(_name, Length, _settings.ChunkSize), Self);
    }

    private void OnPull(Pull pull)
    {
        if (_file is null)
        {
            Sender.Tell(new Failed(_name, $"{_self} holds no replica of '{_name}'"));
            return;
        }
        if (ReadOrRepair(pull.Offset, Math.Clamp(pull.MaxBytes, 1, _settings.ChunkSize)) is not { } data)
        {
            Sender.Tell(new Failed(_name, CorruptReason));
            return;
        }
        var last = pull.Offset + data.Length >= _file.Length;
        var dedup = last ? _file.Dedup.Select(e => new DedupEntry(e.Key, e.Value)).ToArray() : null;
        Sender.Tell(new Chunk(_name, pull.Offset, data, _file.Length, dedup));
    }

    private void OnChunk(Chunk chunk)
    {
        if (_pullSource is null) return;
        _pullActivity = DateTime.UtcNow;
        if (_file is null && chunk.Offset == 0) EnsureFile();
        if (_file is null || chunk.Offset != _file.Length)
        {
            Sender.Tell(new Pull(_name, Length, _settings.ChunkSize));
            return;
        }
        if (chunk.Data.Length > 0) _file.Append(chunk.Data, []);
        if (chunk.Dedup is not null && _file.Length == chunk.SourceLength)
            _file.AdoptDedup(chunk.Dedup.Select(e => new KeyValuePair<string, long>(e.ClientId, e.Seq)).ToList(), replace: true);
        _index.Set(_name, _file.Length);
        ReportProgress();
        if (_file.Length < chunk.SourceLength && chunk.Data.Length > 0)
        {
            Sender.Tell(new Pull(_name, _file.Length, _settings.ChunkSize));
            return;
        }
        _pullSource = null;
        PullFinished();
    }

    private void ReportProgress()
    {
        if (_isPrimary || _file is null || _replicas.Count == 0) return;
        _peers.Of(_replicas[0]).Tell(new ReplicaProgress(_name, _self, _file.Length), Self);
    }

    private void PullFinished()
    {
        if (_isPrimary && !_verified) CompleteVerify();
        if (_pendingCheck is { } pending)
        {
            _pendingCheck = null;
            OnMergeCheck(pending.Check, pending.ReplyTo);
        }
    }

    // ---- offers: how copies find their owners after membership changes ----

    private void OnOffer(Offer offer)
    {
        var owner = _replicas.Contains(_self);
        if (owner && offer.Length > Length && (!_isPrimary || _file is null)) StartPull(offer.Node);
        Sender.Tell(new OfferReply(_name, _self, owner, _file is not null, Length));
    }

    private void OnOfferReply(OfferReply reply)
    {
        if (_isPrimary)
        {
            if (reply.Exists) _replicaLength[reply.Node] = Math.Max(_replicaLength.GetValueOrDefault(reply.Node), reply.Length);
            if (_verified) ReleaseAcks();
            return;
        }
        _handOff[reply.Node] = reply;
        // No replicas: the ring is empty (every node is leaving); there is no owner to hand to.
        if (_replicas.Count == 0 || _replicas.Contains(_self) || _file is null) return;
        var replies = _replicas.Select(r => _handOff.GetValueOrDefault(r)).ToList();
        if (replies.Any(r => r is null || !r.Owner || !r.Exists)) return;
        var primaryLength = replies[0]!.Length;
        if (replies.All(r => r!.Length >= Math.Min(_file.Length, primaryLength))) Deleted();
    }

    private void HandOffTick()
    {
        _handOff.Clear();
        foreach (var node in _replicas) _peers.Of(node).Tell(new Offer(_name, _self, Length), Self);
    }

    // ---- merge, replica side: cut back to the first block that differs, then pull the primary's bytes ----

    private void OnMergeCheck(MergeCheck check, IActorRef replyTo)
    {
        if (_isPrimary) return;
        if (_pullSource is not null)
        {
            _pendingCheck = (check, replyTo);
            return;
        }
        if (_file is not null)
        {
            if (_file.Length > check.Length) _file.TruncateTo(check.Length);
            var mine = _file.BlockChecksums(_file.Length, check.BlockSize);
            for (var i = 0; i < mine.Length; i++)
            {
                if (i < check.Blocks.Length && mine[i] == check.Blocks[i]) continue;
                _file.TruncateTo((long)i * check.BlockSize);
                break;
            }
            _index.Set(_name, _file.Length);
            if (_file.Length == check.Length)
            {
                replyTo.Tell(new MergeChecked(_name, _self, _file.Length));
                return;
            }
        }
        _pendingCheck = (check, replyTo);
        StartPull(check.Primary);
        if (_pullSource is null) _pendingCheck = null;
    }
}
