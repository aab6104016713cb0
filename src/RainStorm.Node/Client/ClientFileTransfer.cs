using System.Net.Sockets;
using RainStorm.Node.CommandHost.Wire;

namespace RainStorm.Node.Client;

/// <summary>
/// The client's side of file moves for one request: uploads a local file when the host reads it, writes a
/// local file when the host sends one. A failed command leaves no half-written file behind.
/// </summary>
internal sealed class ClientFileTransfer(long id, FrameWriter writer, int chunkBytes, TextWriter? progressTerminal = null) : IAsyncDisposable
{
    private TransferProgress? _received;
    private readonly CancellationTokenSource _stop = new();
    private Task? _upload;
    private FileStream? _download;
    private string? _downloadPath;
    private string? _error;

    /// <summary>A local file could not be written: the request's result no longer counts.</summary>
    public bool Failed => _error is not null;

    public void StartUpload(string path) => _upload = UploadAsync(path, _stop.Token);

    /// <summary>Handles write/data/close; false when the local file cannot be written (the request should be cancelled).</summary>
    public bool Download(Frame frame)
    {
        if (_error is not null) return true;
        try
        {
            switch (frame.Type)
            {
                case FrameTypes.Write:
                    var path = Path.GetFullPath(frame.Path!);
                    if (Directory.Exists(path)) throw new IOException("it is a directory; name the file to write.");
                    _download = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, chunkBytes);
                    _downloadPath = path; // only a file this transfer created is removed on failure
                    _received = progressTerminal is null ? null : new TransferProgress(progressTerminal, "received", total: null);
                    break;
                case FrameTypes.Data:
                    _download?.Write(frame.Data ?? []);
                    _received?.Add(frame.Data?.Length ?? 0);
                    break;
                case FrameTypes.Close:
                    _download?.Dispose();
                    _download = null;
                    _received?.End();
                    _received = null;
                    break;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _error = $"cannot write {frame.Path ?? _downloadPath}: {e.Message}";
            _download?.Dispose();
            _download = null;
            return false;
        }
    }

    /// <summary>Ends the transfers when the request is done; returns the local error, if any.</summary>
    public async Task<string?> FinishAsync(bool succeeded)
    {
        _stop.Cancel();
        if (_upload is not null) await _upload;
        _download?.Dispose();
        _download = null;
        if ((!succeeded || _error is not null) && _downloadPath is not null) File.Delete(_downloadPath);
        return _error;
    }

    private async Task UploadAsync(string path, CancellationToken ct)
    {
        try
        {
            FileStream file;
            try
            {
                if (Directory.Exists(path)) throw new IOException("it is a directory, not a file.");
                file = new FileStream(Path.GetFullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read, chunkBytes, useAsync: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await writer.WriteAsync(new Frame { Type = FrameTypes.Fail, Id = id, Error = $"cannot read local file {path}: {e.Message}" }, ct);
                return;
            }
            await using (file)
            {
                var sent = progressTerminal is null ? null : new TransferProgress(progressTerminal, "sent", file.Length);
                var buffer = new byte[chunkBytes];
                int n;
                while ((n = await file.ReadAsync(buffer, ct)) > 0)
                {
                    await writer.WriteAsync(new Frame { Type = FrameTypes.Data, Id = id, Data = buffer[..n] }, ct);
                    sent?.Add(n);
                }
                sent?.End();
            }
            await writer.WriteAsync(new Frame { Type = FrameTypes.Close, Id = id }, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The request ended (or the connection broke) before the upload finished; RunAsync reports it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_upload is not null)
        {
            try { await _upload; } catch (OperationCanceledException) { }
        }
        _download?.Dispose();
        _stop.Dispose();
    }
}
