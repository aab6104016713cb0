using System.Diagnostics;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// The user operator that stamps each line with the wall-clock time it entered the job: an executable script that
/// prefixes every line of its batch with the microseconds since the Unix epoch at which it started on that batch
/// (bash's EPOCHREALTIME, CLOCK_REALTIME like the bench's own clock; the nodes run on this machine).
/// </summary>
public static class LatencyStamp
{
    public const string Name = "latency_stamp";

    /// <summary>Writes the operator into <paramref name="operatorDir"/> and runs it once here, so a machine without bash 5
    /// fails now rather than as a failed job.</summary>
    public static void Install(string operatorDir)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the latency stamp is a bash script");
        Directory.CreateDirectory(operatorDir);
        var path = Path.Combine(operatorDir, Name);
        // One exec of sed per batch: bash's read loop would read a pipe byte by byte.
        File.WriteAllText(path, "#!/usr/bin/env bash\nexec sed \"s/^/${EPOCHREALTIME/[.,]/},/\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var before = NowMicros();
        var output = RunOnce(path, "a,b");
        if (!TryParse(output, out var stamp) || output[(output.IndexOf(',') + 1)..] != "a,b" || Math.Abs(stamp - before) > 10_000_000)
            throw new InvalidOperationException($"{path} printed '{output}' for the line 'a,b'; expected '<microseconds since the epoch>,a,b' (it needs bash 5 and sed)");
    }

    /// <summary>The stamp at the start of an output line (its first CSV field).</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out long micros)
    {
        var comma = line.IndexOf(',');
        return long.TryParse(comma < 0 ? line : line[..comma], out micros);
    }

    /// <summary>Now, in the stamp's unit.</summary>
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static string RunOnce(string path, string line)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-");
        using var child = Process.Start(start)!;
        child.StandardInput.WriteLine(line);
        child.StandardInput.Close();
        var output = child.StandardOutput.ReadToEndAsync();
        if (output.Wait(TimeSpan.FromSeconds(10)) && child.WaitForExit(TimeSpan.FromSeconds(10))) return output.Result.TrimEnd('\n');
        child.Kill(entireProcessTree: true);
        throw new TimeoutException($"{path} did not finish one line within 10 s");
    }
}
