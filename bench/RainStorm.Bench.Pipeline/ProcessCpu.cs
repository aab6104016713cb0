using System.Diagnostics;

namespace RainStorm.Bench.Pipeline;

/// <summary>CPU used by node processes, their own and that of the children they waited for (user operators run as
/// children of the node and are not in its <see cref="Process.TotalProcessorTime"/>). Linux /proc only.</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on

    public static (double Own, double Children) Seconds(IEnumerable<Process> processes)
    {
        double own = 0, children = 0;
        foreach (var process in processes)
        {
            try
            {
                // Fields after the command name, which may contain spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
                var stat = File.ReadAllText($"/proc/{process.Id}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                own += (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
                children += (long.Parse(fields[13]) + long.Parse(fields[14])) / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process is gone.
            }
        }
        return (own, children);
    }

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
