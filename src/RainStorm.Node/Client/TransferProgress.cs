using System.Diagnostics;
using System.Globalization;

namespace RainStorm.Node.Client;

/// <summary>
/// Bytes moved so far and the rate, redrawn on one terminal line at most a few times a second while a client file
/// moves (<c>hydfs create</c> sends, <c>hydfs get</c> receives), and ended with a line break when the move ends.
/// Only for a terminal: the client passes none when its stderr is redirected or the output is JSON.
/// </summary>
public sealed class TransferProgress(TextWriter terminal, string verb, long? total, TimeSpan? every = null)
{
    /// <summary>A move at least this big reports its final figures even when it was over before the first redraw.</summary>
    public const long LargeBytes = 1024 * 1024;

    private readonly TimeSpan _every = every ?? TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _drawn = TimeSpan.Zero;
    private long _bytes;
    private bool _shown;

    public void Add(int bytes)
    {
        _bytes += bytes;
        if (_clock.Elapsed - _drawn < _every) return;
        _drawn = _clock.Elapsed;
        Draw();
    }

    /// <summary>The last figures and a line break (a small file that moved before the first redraw stays silent).</summary>
    public void End()
    {
        if (!_shown && _bytes < LargeBytes) return;
        Draw();
        terminal.Write('\n');
        terminal.Flush();
    }

    private void Draw()
    {
        _shown = true;
        terminal.Write($"\r{Line(verb, _bytes, total, _clock.Elapsed)}\u001b[K");
        terminal.Flush();
    }

    /// <summary>"sent 12.5 MiB of 40.0 MiB (31 %), 25.0 MiB/s".</summary>
    public static string Line(string verb, long bytes, long? total, TimeSpan elapsed)
    {
        var rate = bytes / Math.Max(elapsed.TotalSeconds, 1e-3);
        var of = total is > 0 ? $" of {Size(total.Value)} ({100.0 * bytes / total.Value:0} %)" : "";
        return $"{verb} {Size(bytes)}{of}, {Size((long)rate)}/s";
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 'KiB'", CultureInfo.InvariantCulture),
        < 1024L * 1024 * 1024 => (bytes / 1048576.0).ToString("0.0 'MiB'", CultureInfo.InvariantCulture),
        _ => (bytes / 1073741824.0).ToString("0.00 'GiB'", CultureInfo.InvariantCulture),
    };
}
