using System.Text;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// Watches a HyDFS file grow the way a reader of it would: every <c>period</c> it reads what was appended since the last
/// read and hands each new whole line to a callback with the time that read returned, i.e. when the line was first
/// seen in the file (at most one period plus one read's round trip after it became readable).
/// </summary>
public static class DestinationPoller
{
    /// <summary>Polls until <paramref name="expectedLines"/> lines were seen, or once more after <paramref name="ended"/>
    /// completed, or until <paramref name="ct"/> is cancelled. Returns how many lines were seen.</summary>
    /// <param name="onLine">The line (without its line break) and when it was seen, in <see cref="LatencyStamp.NowMicros"/>.</param>
    public static async Task<long> RunAsync(HyDfsClient hyDfs, string name, TimeSpan period, long expectedLines, Task ended,
        Action<string, long> onLine, CancellationToken ct)
    {
        long offset = 0, seen = 0;
        var partial = new MemoryStream();
        try
        {
            while (seen < expectedLines)
            {
                var last = ended.IsCompleted;
                // The sink creates the file with its first append.
                if (offset > 0 || await hyDfs.ExistsAsync(name, ct))
                {
                    while (true)
                    {
                        var read = await hyDfs.ReadChunkAsync(name, offset, ct);
                        var seenAt = LatencyStamp.NowMicros();
                        if (read.Data.Length == 0) break;
                        offset += read.Data.Length;
                        seen += SplitLines(read.Data, partial, line => onLine(line, seenAt));
                        if (offset >= read.Length) break;
                    }
                }
                if (last) break;
                await Task.Delay(period, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Out of time: what was seen so far is the answer.
        }
        return seen;
    }

    /// <summary>Hands on the whole lines of <paramref name="data"/>, the first completing what <paramref name="partial"/>
    /// held; keeps the unfinished end there. Returns how many lines it handed on.</summary>
    private static int SplitLines(byte[] data, MemoryStream partial, Action<string> onLine)
    {
        var lines = 0;
        var start = 0;
        for (var at = Array.IndexOf(data, (byte)'\n'); at >= 0; at = Array.IndexOf(data, (byte)'\n', start))
        {
            partial.Write(data, start, at - start);
            onLine(Encoding.UTF8.GetString(partial.GetBuffer(), 0, (int)partial.Length));
            partial.SetLength(0);
            lines++;
            start = at + 1;
        }
        partial.Write(data, start, data.Length - start);
        return lines;
    }
}
