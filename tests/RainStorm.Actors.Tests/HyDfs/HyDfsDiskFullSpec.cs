using System.Text;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Tests.Support;

namespace RainStorm.Actors.Tests.HyDfs;

/// <summary>A HyDFS node whose store lives on a 2 MiB tmpfs: the append that does not fit fails with one clear
/// sentence, every earlier append reads back intact, and once the disk has room again appends are served.</summary>
public sealed class HyDfsDiskFullSpec
{
    private const int Piece = 128 * 1024;

    private static byte[] PieceOf(int i) => Encoding.ASCII.GetBytes(new string((char)('a' + i % 26), Piece - 1) + "\n");

    [Fact]
    public async Task A_full_disk_fails_the_append_clearly_keeps_earlier_appends_and_serves_again_when_space_returns()
    {
        await using var cluster = await TestCluster.StartAsync(0);
        var dataDir = Path.Combine(cluster.Root, "node-0");
        using var disk = TmpfsMount.Create(Path.Combine(dataDir, "hydfs"), "2m");
        var node = await cluster.AddNodeAsync(roles: ["hydfs"], dataDir: dataDir);
        await cluster.WaitUpAsync();
        var client = HyDfsClient.For(node.System);

        await client.CreateAsync("full/log", PieceOf(0));
        var written = new List<byte[]> { PieceOf(0) };
        HyDfsException? refused = null;
        for (var i = 1; i < 40 && refused is null; i++)
        {
            try
            {
                await client.AppendAsync("full/log", PieceOf(i)).WaitAsync(TimeSpan.FromSeconds(60));
                written.Add(PieceOf(i));
            }
            catch (HyDfsException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("could not write 'full/log' to its disk", refused.Message);
        Assert.Contains("No space left on device", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.InRange(written.Count, 2, 16);
        Assert.Equal(written.SelectMany(b => b).ToArray(), await client.GetAsync("full/log"));

        disk.Resize("16m");
        await client.AppendAsync("full/log", PieceOf(99)).WaitAsync(TimeSpan.FromSeconds(60));
        written.Add(PieceOf(99));
        Assert.Equal(written.SelectMany(b => b).ToArray(), await client.GetAsync("full/log"));
    }
}
