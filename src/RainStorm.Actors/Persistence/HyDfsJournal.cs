using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Persistence;

/// <summary>
/// Akka.Persistence journal on HyDFS: one file per persistence id, one framed and checksummed HyDFS append per
/// AtomicWrite (idempotent by (journal/pid, highest sequence number), so a retried write lands once).
/// Deletions are marker records; the highest sequence number is the highest ever written, so it never goes back.
/// </summary>
public sealed class HyDfsJournal : AsyncWriteJournal
{
    private readonly HyDfsClient _client = HyDfsClient.For(Context.System);
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;
    private readonly ConcurrentDictionary<string, bool> _created = new();

    private static string FileOf(string persistenceId) => RecordLog.FileName("journal", persistenceId);

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var results = new Exception?[writes.Count];
        var pending = new List<Task>();
        foreach (var pid in writes.Select(w => w.PersistenceId).Distinct())
            await EnsureFileAsync(pid);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            byte[] record;
            try
            {
                record = RecordLog.Frame(JournalRecord.Write(_serialization, ((IImmutableList<IPersistentRepresentation>)write.Payload).ToList()));
            }
            catch (Exception e)
            {
                results[i] = e; // rejected: nothing written, the actor keeps running
                continue;
            }
            pending.Add(_client.AppendAsync(FileOf(write.PersistenceId), record, "journal/" + write.PersistenceId, write.HighestSequenceNr, cancellationToken));
        }
        await Task.WhenAll(pending);
        return results.Any(r => r is not null) ? results.ToImmutableList() : null!;
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await EnsureFileAsync(persistenceId);
        await _client.AppendAsync(FileOf(persistenceId), RecordLog.Frame(JournalRecord.Delete(toSequenceNr)), cancellationToken);
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0) return;
        long deletedTo = 0, highest = 0;
        var selected = new List<IPersistentRepresentation>();
        await foreach (var payload in RecordLog.ReadAsync(_client, FileOf(persistenceId)))
        {
            var (events, deleted) = JournalRecord.Read(payload, persistenceId, _serialization, deserialize: true);
            // A marker deletes what was written before it: DeleteMessagesTo(long.MaxValue) does not swallow later events.
            deletedTo = Math.Max(deletedTo, Math.Min(deleted, highest));
            foreach (var e in events) highest = Math.Max(highest, e.SequenceNr);
            selected.AddRange(events.Where(e => e.SequenceNr >= fromSequenceNr && e.SequenceNr <= toSequenceNr));
        }
        foreach (var e in selected.Where(e => e.SequenceNr > deletedTo).OrderBy(e => e.SequenceNr).Take((int)Math.Min(max, int.MaxValue)))
            recoveryCallback(e);
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var highest = 0L;
        await foreach (var payload in RecordLog.ReadAsync(_client, FileOf(persistenceId)))
        {
            var (events, _) = JournalRecord.Read(payload, persistenceId, _serialization, deserialize: false);
            foreach (var e in events) highest = Math.Max(highest, e.SequenceNr);
        }
        return highest;
    }

    private async Task EnsureFileAsync(string persistenceId)
    {
        if (_created.ContainsKey(persistenceId)) return;
        await RecordLog.EnsureExistsAsync(_client, FileOf(persistenceId));
        _created[persistenceId] = true;
    }
}
