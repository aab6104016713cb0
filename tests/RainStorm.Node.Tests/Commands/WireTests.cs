using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.Tests.Commands;

public sealed class WireTests
{
    [Fact]
    public async Task Palettes_survive_the_wire_with_every_declared_detail()
    {
        var infos = PaletteSpecs.Palettes.Select(p => p.Info).ToList();
        var stream = new MemoryStream();
        stream.Write(FrameCodec.Encode(new Frame { Type = FrameTypes.Welcome, Node = "127.0.0.1:1", Palettes = infos }));
        stream.Write(FrameCodec.Encode(new Frame { Type = FrameTypes.Data, Id = 3, Data = [0, 1, 255] }));
        stream.Position = 0;

        var welcome = await FrameCodec.ReadAsync(stream, CancellationToken.None);
        var received = welcome!.Palettes!.SelectMany(p => p.Commands).ToList();
        var sent = infos.SelectMany(p => p.Commands).ToList();
        Assert.Equal(sent.Select(s => s.Usage), received.Select(s => s.Usage));
        Assert.Equal(sent.Select(s => s.Example), received.Select(s => s.Example));
        Assert.Equal(sent.SelectMany(s => s.Arguments).Select(a => (a.Kind, a.Required, a.Value)),
            received.SelectMany(s => s.Arguments).Select(a => (a.Kind, a.Required, a.Value)));

        var data = await FrameCodec.ReadAsync(stream, CancellationToken.None);
        Assert.Equal((byte[])[0, 1, 255], data!.Data);
        Assert.Equal(3, data.Id);
        Assert.Null(await FrameCodec.ReadAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task A_frame_length_beyond_the_limit_is_refused_not_allocated()
    {
        var stream = new MemoryStream([0x7f, 0xff, 0xff, 0xff, 1, 2]);
        await Assert.ThrowsAsync<InvalidDataException>(() => FrameCodec.ReadAsync(stream, CancellationToken.None));
    }
}
