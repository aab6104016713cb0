using System.Threading.Channels;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.CommandHost;

/// <summary>
/// The console of one running request on a TCP connection: output lines become <c>out</c> frames, and the
/// client's files are read (<c>read</c> → data… close) or written (<c>write</c>, data…, close) in bounded chunks.
/// </summary>
public sealed class TcpCommandConsole(long id, FrameWriter writer, int chunkBytes) : ICommandConsole
{
    // A few chunks in flight: enough to keep the socket busy, little enough to bound memory per upload.
    private readonly Channel<Frame> _upload = Channel.CreateBounded<Frame>(4);
    private bool _reading;

    public Task WriteLineAsync(string line, CancellationToken ct) =>
        writer.WriteAsync(new Frame { Type = FrameTypes.Out, Id = id, Text = line }, ct);

    public Task WriteNoteAsync(string line, CancellationToken ct) =>
        writer.WriteAsync(new Frame { Type = FrameTypes.Note, Id = id, Text = line }, ct);

    public async Task<Stream> OpenReadAsync(string clientPath, CancellationToken ct)
    {
        if (_reading) throw new InvalidOperationException("one client file at a time per command.");
        _reading = true;
        await writer.WriteAsync(new Frame { Type = FrameTypes.Read, Id = id, Path = clientPath }, ct);
        return new UploadStream(_upload.Reader, clientPath);
    }

    public async Task<Stream> OpenWriteAsync(string clientPath, CancellationToken ct)
    {
        await writer.WriteAsync(new Frame { Type = FrameTypes.Write, Id = id, Path = clientPath }, ct);
        return new DownloadStream(id, writer, chunkBytes);
    }

    /// <summary>A data, close or fail frame from the client for the file being read. Completes when there is room.</summary>
    public async Task AcceptUploadAsync(Frame frame)
    {
        try
        {
            await _upload.Writer.WriteAsync(frame);
        }
        catch (ChannelClosedException)
        {
            // The command ended before it read everything: the rest is not needed.
        }
    }

    /// <summary>The command ended: release anyone waiting to hand over upload chunks.</summary>
    public void Complete()
    {
        _upload.Writer.TryComplete();
        while (_upload.Reader.TryRead(out _)) { }
    }

    private sealed class UploadStream(ChannelReader<Frame> frames, string path) : Stream
    {
        private ReadOnlyMemory<byte> _current;
        private bool _ended;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            while (_current.IsEmpty && !_ended)
            {
                Frame frame;
                try
                {
                    frame = await frames.ReadAsync(ct);
                }
                catch (ChannelClosedException)
                {
                    throw new CommandFailedException($"the client stopped sending {path}.");
                }
                switch (frame.Type)
                {
                    case FrameTypes.Data: _current = frame.Data ?? []; break;
                    case FrameTypes.Close: _ended = true; break;
                    default: throw new CommandFailedException(frame.Error ?? $"the client could not read {path}.");
                }
            }
            var n = Math.Min(buffer.Length, _current.Length);
            _current[..n].CopyTo(buffer);
            _current = _current[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class DownloadStream(long id, FrameWriter writer, int chunkBytes) : Stream
    {
        private bool _closed;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            for (var offset = 0; offset < buffer.Length; offset += chunkBytes)
            {
                var chunk = buffer.Slice(offset, Math.Min(chunkBytes, buffer.Length - offset)).ToArray();
                await writer.WriteAsync(new Frame { Type = FrameTypes.Data, Id = id, Data = chunk }, ct);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async ValueTask DisposeAsync()
        {
            if (_closed) return;
            _closed = true;
            await writer.WriteAsync(new Frame { Type = FrameTypes.Close, Id = id });
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
