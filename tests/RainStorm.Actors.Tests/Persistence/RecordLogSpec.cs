using System.Text;
using RainStorm.Actors.Persistence;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>The framing under the journal and snapshot files: torn and corrupt frames are skipped, later ones kept.</summary>
public sealed class RecordLogSpec
{
    private static byte[] Record(string text) => RecordLog.Frame(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads <paramref name="file"/> fed in pieces of <paramref name="piece"/> bytes, as HyDFS chunks arrive.</summary>
    private static List<string> Read(byte[] file, int piece)
    {
        var reader = new RecordLog.Reader();
        var payloads = new List<byte[]>();
        for (var at = 0; at < file.Length; at += piece)
            payloads.AddRange(reader.Feed(file.AsSpan(at, Math.Min(piece, file.Length - at))));
        payloads.AddRange(reader.Finish());
        return payloads.Select(p => Encoding.UTF8.GetString(p)).ToList();
    }

    public static TheoryData<int> Pieces => new() { 1, 3, 7, 13, 64, 1 << 20 };

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Whole_records_come_back_in_order_however_the_bytes_are_split(int piece)
    {
        var file = Record("one").Concat(Record("")).Concat(Record(new string('x', 300))).Concat(Record("four")).ToArray();
        Assert.Equal(["one", "", new string('x', 300), "four"], Read(file, piece));
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void A_torn_tail_is_ignored(int piece)
    {
        var torn = Record("a torn record that lost its end");
        var file = Record("one").Concat(Record("two")).Concat(torn[..(torn.Length - 5)]).ToArray();
        Assert.Equal(["one", "two"], Read(file, piece));
        Assert.Equal(["one", "two"], Read(Record("one").Concat(Record("two")).Concat(torn[..6]).ToArray(), piece));
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Records_after_a_torn_one_are_still_read(int piece)
    {
        // a big record whose writer died after its first pieces: its header promises more bytes than follow
        var big = Record(new string('b', 5000));
        var file = Record("before").Concat(big[..1200]).Concat(Record("after 1")).Concat(Record("after 2")).ToArray();
        Assert.Equal(["before", "after 1", "after 2"], Read(file, piece));
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void A_record_with_a_bad_checksum_is_skipped_and_so_is_garbage(int piece)
    {
        var corrupt = Record("corrupted");
        corrupt[^1] ^= 0xFF;
        var garbage = Encoding.UTF8.GetBytes("garbage without any frame");
        var file = Record("one").Concat(corrupt).Concat(garbage).Concat(Record("two")).ToArray();
        Assert.Equal(["one", "two"], Read(file, piece));
    }

    [Fact]
    public void A_payload_that_contains_the_frame_magic_is_read_whole()
    {
        var inner = Record("inner frame inside a payload");
        var outer = RecordLog.Frame(inner);
        var reader = new RecordLog.Reader();
        var payloads = reader.Feed(outer).Concat(reader.Finish()).ToList();
        Assert.Equal(inner, Assert.Single(payloads));
    }
}
