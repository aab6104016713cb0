using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RainStorm.Node.CommandHost.Wire;

/// <summary>Frames on a stream: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.</summary>
public static class FrameCodec
{
    /// <summary>Upper bound of one frame; file chunks are far smaller, so a bigger length means a broken peer.</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static byte[] Encode(Frame frame)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(frame, Json);
        if (body.Length > MaxFrameBytes) throw new InvalidOperationException($"a {frame.Type} frame of {body.Length} bytes exceeds {MaxFrameBytes}.");
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, body.Length);
        body.CopyTo(bytes, 4);
        return bytes;
    }

    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    public static async Task<Frame?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, ct)) return null;
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is <= 0 or > MaxFrameBytes) throw new InvalidDataException($"frame length {length} is out of range (1..{MaxFrameBytes}).");
        var body = new byte[length];
        if (!await FillAsync(stream, body, ct)) throw new EndOfStreamException("the connection closed inside a frame.");
        return JsonSerializer.Deserialize<Frame>(body, Json) ?? throw new InvalidDataException("empty frame.");
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new EndOfStreamException("the connection closed inside a frame.");
            }
            read += n;
        }
        return true;
    }
}

/// <summary>Serializes frame writes from concurrent senders (command output, file chunks) onto one stream.</summary>
public sealed class FrameWriter(Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync(Frame frame, CancellationToken ct = default)
    {
        var bytes = FrameCodec.Encode(frame);
        await _gate.WaitAsync(ct);
        try
        {
            // Never cancelled mid-frame: a half-written frame would corrupt the stream for every later request.
            await stream.WriteAsync(bytes, CancellationToken.None);
            await stream.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
