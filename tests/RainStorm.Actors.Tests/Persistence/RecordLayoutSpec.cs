using Akka.Persistence;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Persistence;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>Journal and snapshot records carry a layout version byte (version 2); records written in version 1,
/// before the byte existed (checked in below as written then), still read back the same.</summary>
public sealed class RecordLayoutSpec() : TestKit(TestPayloadSerializer.Hocon)
{
    // Version 1 as written to HyDFS journals before the version byte: never regenerate.
    private const string WriteV1 = "010100000007000000000000000003772d31d204000000000000bd2600000243310a000000746578740a310a312c32";
    private const string DeleteV1 = "022a00000000000000";
    private const string SnapshotV1 = "0164000000000000000500000000000000bd2600000243310a000000746578740a310a312c32";

    [Fact]
    public void Version_1_journal_records_read_back_as_written()
    {
        var (events, deleted) = JournalRecord.Read(Convert.FromHexString(WriteV1), "pid-1", Sys.Serialization, deserialize: true);
        var e = Assert.Single(events);
        Assert.Equal((7L, "w-1", 1234L, "pid-1", 0L), (e.SequenceNr, e.WriterGuid, e.Timestamp, e.PersistenceId, deleted));
        var payload = Assert.IsType<Custom>(e.Payload);
        Assert.Equal(("text", 1), (payload.Text, payload.Number));
        Assert.Equal([1, 2], payload.Items);
        Assert.Equal(42, JournalRecord.Read(Convert.FromHexString(DeleteV1), "pid-1", Sys.Serialization, deserialize: true).DeletedTo);
    }

    [Fact]
    public void Version_1_snapshot_records_read_back_as_written()
    {
        var saved = Assert.IsType<SnapshotRecord.Saved>(SnapshotRecord.Parse(Convert.FromHexString(SnapshotV1)));
        Assert.Equal((100L, 5L, 9917, "C1"), (saved.SequenceNr, saved.TimestampTicks, saved.SerializerId, saved.Manifest));
        Assert.Equal("text\n1\n1,2"u8.ToArray(), saved.Bytes);
    }

    [Fact]
    public void Records_are_written_in_version_2_and_read_back()
    {
        var written = new Persistent(new Custom("x", 2, [3]), 9, "pid-2", "", false, null, "w-2", 77);
        var record = JournalRecord.Write(Sys.Serialization, [written]);
        Assert.Equal(JournalRecord.Version2, record[0]);
        var back = Assert.Single(JournalRecord.Read(record, "pid-2", Sys.Serialization, deserialize: true).Events);
        Assert.Equal((9L, "w-2", 77L), (back.SequenceNr, back.WriterGuid, back.Timestamp));
        Assert.Equal(5, JournalRecord.Read(JournalRecord.Delete(5), "pid-2", Sys.Serialization, deserialize: false).DeletedTo);
        var snapshot = new SnapshotRecord.DeletedOne(3, 4);
        Assert.Equal(JournalRecord.Version2, snapshot.ToBytes()[0]);
        Assert.Equal(snapshot, SnapshotRecord.Parse(snapshot.ToBytes()));
    }

    [Fact]
    public void A_record_of_an_unknown_layout_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => JournalRecord.Read([0x7f, 1], "pid", Sys.Serialization, deserialize: false));
        Assert.Equal("persistence record of unknown layout version 0x7F", error.Message);
    }
}
