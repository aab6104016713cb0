namespace RainStorm.Actors.Commands.Execution;

/// <summary>
/// The console of a command run in the same process as its user (<c>rainstorm local</c>, tests): lines go to a
/// writer, and "client files" are this process's files, opened directly.
/// </summary>
/// <param name="notes">Where notes go (standard error); null: to <paramref name="output"/>.</param>
public sealed class TextWriterConsole(TextWriter output, TextWriter? notes = null) : ICommandConsole
{
    private const int BufferBytes = 1 << 16;

    public async Task WriteLineAsync(string line, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await output.WriteLineAsync(line);
        await output.FlushAsync(ct);
    }

    public async Task WriteNoteAsync(string line, CancellationToken ct)
    {
        var writer = notes ?? output;
        await writer.WriteLineAsync(line);
        await writer.FlushAsync(ct);
    }

    public Task<Stream> OpenReadAsync(string clientPath, CancellationToken ct) =>
        Open(clientPath, "read", () => new FileStream(clientPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, useAsync: true));

    public Task<Stream> OpenWriteAsync(string clientPath, CancellationToken ct) =>
        Open(clientPath, "write", () => new FileStream(clientPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true));

    private static Task<Stream> Open(string path, string verb, Func<Stream> open)
    {
        try
        {
            if (Directory.Exists(path)) throw new IOException("it is a directory, not a file.");
            return Task.FromResult(open());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandFailedException($"cannot {verb} local file {path}: {e.Message}");
        }
    }
}
