using System.Text;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>
/// What a <c>wait --follow</c> has printed, so that after a leader hand-over it can print, from the job's destination
/// file, exactly the lines it has not printed yet. The lines streamed before the move are counted (a line printed
/// twice by the job is counted twice); once <see cref="FromFile"/> is on, the destination file is read from its start
/// and every line of it is either one already printed (its count goes down) or new (printed now). Lines reach the file
/// per sink in the order they were streamed, and the file has every line the stream had, so nothing is shown twice and
/// nothing is missed, whatever the interleaving of the sinks.
/// </summary>
public sealed class FollowedOutput(HyDfsClient hyDfs, string destination)
{
    private static readonly UTF8Encoding Utf8 = new(false, false);
    private readonly Dictionary<string, int> _printed = new(StringComparer.Ordinal);
    private long _consumed;

    /// <summary>The destination file, not the leader's stream, is the source of the lines from now on.</summary>
    public bool FromFile { get; private set; }

    public void Printed(IEnumerable<string> lines)
    {
        if (FromFile) return;
        foreach (var line in lines) _printed[line] = _printed.GetValueOrDefault(line) + 1;
    }

    public void SwitchToFile() => FromFile = true;

    /// <summary>The complete lines appended to the destination since the last call that were not printed before.
    /// A HyDFS error (the ring is changing too) yields nothing now; the next call reads the same bytes again.</summary>
    public async Task<IReadOnlyList<string>> ReadNewAsync(CancellationToken ct)
    {
        var bytes = new MemoryStream();
        try
        {
            await foreach (var chunk in hyDfs.ReadAsync(destination, _consumed, ct)) bytes.Write(chunk.Span);
        }
        catch (HyDfsException)
        {
            return [];
        }
        var data = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        var end = data.LastIndexOf((byte)'\n');
        if (end < 0) return [];
        _consumed += end + 1;
        var fresh = new List<string>();
        foreach (var line in Utf8.GetString(data[..end]).Split('\n'))
        {
            if (_printed.TryGetValue(line, out var count))
            {
                if (count == 1) _printed.Remove(line);
                else _printed[line] = count - 1;
                continue;
            }
            fresh.Add(line);
        }
        return fresh;
    }
}
