using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace RainStorm.Bench.Micro;

/// <summary>
/// <c>--cpu-time</c>: runs every benchmark of <see cref="OperatorBenchmarks"/> in a plain loop and reports lines per
/// second of wall time and of process CPU time. On a machine shared with other busy processes, wall time measures
/// the contention; CPU time is what the code costs on one core. BenchmarkDotNet remains the reference measurement.
/// </summary>
public static class CpuTimeRun
{
    public static void Run(TimeSpan perBenchmark)
    {
        var benchmarks = new OperatorBenchmarks();
        benchmarks.Setup();
        Console.WriteLine($"| benchmark | lines/s (wall) | lines/s (CPU) |");
        Console.WriteLine($"|---|---:|---:|");
        foreach (var method in typeof(OperatorBenchmarks).GetMethods())
        {
            if (method.GetCustomAttribute<BenchmarkAttribute>() is not { } attribute) continue;
            Action body = () => method.Invoke(benchmarks, null); // one call per ~15k lines: the reflection cost is noise
            for (var i = 0; i < 50; i++) body(); // reach the optimised JIT tier
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            long invocations = 0;
            while (wall.Elapsed < perBenchmark)
            {
                body();
                invocations++;
            }
            wall.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            double lines = invocations * attribute.OperationsPerInvoke;
            Console.WriteLine($"| {attribute.Description} | {lines / wall.Elapsed.TotalSeconds / 1e6:0.00} M | {lines / cpu.TotalSeconds / 1e6:0.00} M |");
        }
    }
}
