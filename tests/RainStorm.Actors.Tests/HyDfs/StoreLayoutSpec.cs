using System.Text;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Storage;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>A store written by an older RainStorm: a metadata log from before its layout version (checked-in bytes) and
/// no block checksums yet opens with its name, length and idempotency table, and gets its checksums; a log of a newer
/// version is refused without touching it.</summary>
public sealed class StoreLayoutSpec : IDisposable
{
    /// <summary>MetaLog before the version byte (commit 64c0564): header "dir/file é", commits to 12 (client-1: 3) and
    /// 20 (client-2: 5, client-1: 4). Never regenerate: it stands for stores already on disk.</summary>
    private const string LegacyMeta =
        "0D000000B109BB70010B6469722F66696C6520C3A91E000000F59A565C020C000000000000000100000008636C69656E742D3103000000000000002F0000002FA524490214000000000000000200000008636C69656E742D32050000000000000008636C69656E742D310400000000000000";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rainstorm-layout-" + Guid.NewGuid().ToString("N")[..10]);

    public StoreLayoutSpec() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string extension) => Path.Combine(_dir, FileNames.DiskKey("dir/file é") + extension);

    [Fact]
    public void A_file_stored_before_the_version_byte_and_the_checksums_opens_as_it_was_and_gets_its_checksums()
    {
        File.WriteAllBytes(PathOf(".meta"), Convert.FromHexString(LegacyMeta));
        File.WriteAllBytes(PathOf(".dat"), Encoding.ASCII.GetBytes("twelve bytes8 more!!"));

        using (var file = LocalFile.Open(PathOf(".meta"), fsync: false)!)
        {
            Assert.Equal(("dir/file é", 20L), (file.Name, file.Length));
            Assert.Equal(new Dictionary<string, long> { ["client-1"] = 4, ["client-2"] = 5 }, file.Dedup);
            Assert.Equal("twelve bytes8 more!!", Encoding.ASCII.GetString(file.ReadChecked(0, 100).Data));
            file.Append(Encoding.ASCII.GetBytes("+"), [new("client-1", 5)]);
        }
        Assert.True(File.Exists(PathOf(".crc")));
        using var again = LocalFile.Open(PathOf(".meta"), fsync: false)!;
        Assert.Equal(21, again.Length);
        Assert.Empty(again.CorruptBlocks());
    }

    [Fact]
    public void A_metadata_log_of_a_newer_version_is_refused_and_left_on_disk()
    {
        using (var file = LocalFile.Create(_dir, "dir/file é", fsync: false)) file.Append(Encoding.ASCII.GetBytes("x"), []);
        var meta = File.ReadAllBytes(PathOf(".meta"));
        // The header's payload: kind 4, then the version byte; its frame checksum is recomputed.
        Assert.Equal((byte)4, meta[8]);
        Assert.Equal(MetaLog.Version1, meta[9]);
        meta[9] = 9;
        var length = BitConverter.ToInt32(meta, 0);
        BitConverter.TryWriteBytes(meta.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(meta.AsSpan(8, length)));
        File.WriteAllBytes(PathOf(".meta"), meta);

        var error = Assert.Throws<InvalidDataException>(() => LocalFile.Open(PathOf(".meta"), fsync: false));
        Assert.Contains("has layout version 9: this node reads up to version 1", error.Message);
        Assert.Equal(meta, File.ReadAllBytes(PathOf(".meta")));
        Assert.True(File.Exists(PathOf(".dat")));
    }
}
