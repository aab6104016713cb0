using System.Text;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.HyDfs.Storage;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>One replica's files on disk: what a node finds again after a crash at any point of a write.</summary>
public sealed class LocalFileSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rainstorm-localfile-" + Guid.NewGuid().ToString("N")[..10]);

    public LocalFileSpec() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string MetaPath(string name) => Path.Combine(_dir, FileNames.DiskKey(name) + ".meta");
    private string DataPath(string name) => Path.Combine(_dir, FileNames.DiskKey(name) + ".dat");

    private LocalFile Written(string name)
    {
        var file = LocalFile.Create(_dir, name, fsync: true);
        file.Append(Bytes("one\n"), [new("client-a", 1)]);
        file.Append(Bytes("two\n"), [new("client-a", 2), new("client-b", 7)]);
        return file;
    }

    [Fact]
    public void A_reopened_file_has_its_name_bytes_and_idempotency_table()
    {
        Written("dir/file.txt").Dispose();
        using var again = LocalFile.Open(MetaPath("dir/file.txt"), fsync: true)!;
        Assert.Equal("dir/file.txt", again.Name);
        Assert.Equal("one\ntwo\n", Encoding.UTF8.GetString(again.Read(0, 100)));
        Assert.Equal(2, again.HighestSeq("client-a"));
        Assert.Equal(7, again.HighestSeq("client-b"));
        Assert.Equal(long.MinValue, again.HighestSeq("client-c"));
    }

    [Fact]
    public void Data_written_but_never_committed_is_cut_off_on_open()
    {
        Written("torn-data").Dispose();
        // a crash after the data write and before its commit record: bytes beyond the committed length
        using (var data = new FileStream(DataPath("torn-data"), FileMode.Append)) data.Write(Bytes("three, never committed\n"));
        using var again = LocalFile.Open(MetaPath("torn-data"), fsync: true)!;
        Assert.Equal(8, again.Length);
        Assert.Equal(8, new FileInfo(DataPath("torn-data")).Length);
        again.Append(Bytes("three\n"), [new("client-a", 3)]);
        Assert.Equal("one\ntwo\nthree\n", Encoding.UTF8.GetString(again.Read(0, 100)));
    }

    [Fact]
    public void A_torn_commit_record_is_ignored_and_its_data_cut_off()
    {
        using (var file = Written("torn-meta"))
            file.Append(Bytes("three\n"), [new("client-a", 3)]);
        // the last commit record lost its end: the append it committed never happened
        var meta = File.ReadAllBytes(MetaPath("torn-meta"));
        File.WriteAllBytes(MetaPath("torn-meta"), meta[..^3]);
        using var again = LocalFile.Open(MetaPath("torn-meta"), fsync: true)!;
        Assert.Equal("one\ntwo\n", Encoding.UTF8.GetString(again.Read(0, 100)));
        Assert.Equal(2, again.HighestSeq("client-a"));
    }

    [Fact]
    public void A_file_whose_creation_was_torn_is_removed_on_open()
    {
        LocalFile.Create(_dir, "half-created", fsync: true).Dispose();
        File.WriteAllBytes(MetaPath("half-created"), File.ReadAllBytes(MetaPath("half-created"))[..5]);
        Assert.Null(LocalFile.Open(MetaPath("half-created"), fsync: true));
        Assert.False(File.Exists(MetaPath("half-created")));
        Assert.False(File.Exists(DataPath("half-created")));
    }

    [Fact]
    public void Truncation_and_an_adopted_table_survive_a_reopen()
    {
        using (var file = Written("truncated"))
        {
            file.TruncateTo(4);
            file.AdoptDedup([new("peer", 9)], replace: true);
        }
        using var again = LocalFile.Open(MetaPath("truncated"), fsync: true)!;
        Assert.Equal("one\n", Encoding.UTF8.GetString(again.Read(0, 100)));
        Assert.Equal(9, again.HighestSeq("peer"));
        Assert.Equal(long.MinValue, again.HighestSeq("client-a"));
    }
}
