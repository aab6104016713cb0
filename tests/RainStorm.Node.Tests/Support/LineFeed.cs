using System.Threading.Channels;

namespace RainStorm.Node.Tests.Support;

/// <summary>Redirected stdin that a test types into line by line. Read only asynchronously: a read waits for the next
/// line (null after <see cref="End"/>) without holding a thread, so a prompt started on the test's thread never
/// blocks the test that is to type into it.</summary>
public sealed class LineFeed : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Type(string line)
    {
        if (!_lines.Writer.TryWrite(line)) throw new InvalidOperationException($"typed '{line}' after the end of the input");
    }

    /// <summary>End of input (Ctrl+D): once the lines typed before are read, reads return null.</summary>
    public void End() => _lines.Writer.TryComplete();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    public override string? ReadLine() =>
        throw new NotSupportedException("a LineFeed is read with ReadLineAsync: a blocking read could hold the thread the test types from");
}
