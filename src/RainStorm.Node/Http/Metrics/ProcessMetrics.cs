using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace RainStorm.Node.Http.Metrics;

/// <summary>The .NET runtime gauges of this process (GC, heap, thread pool, CPU) and <c>rainstorm_build_info</c>.</summary>
public sealed class ProcessMetrics : IDisposable
{
    public const string MeterName = "RainStorm.Process";

    public Meter Meter { get; } = new(MeterName);

    public ProcessMetrics()
    {
        var version = typeof(ProcessMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? typeof(ProcessMetrics).Assembly.GetName().Version?.ToString() ?? "unknown";
        Meter.CreateObservableGauge("rainstorm_build_info", () => new Measurement<int>(1,
                new KeyValuePair<string, object?>("version", version), new KeyValuePair<string, object?>("runtime", RuntimeInformation.FrameworkDescription)),
            null, "RainStorm's version and the .NET runtime it runs on (always 1).");
        Meter.CreateObservableCounter("dotnet_gc_collections_total", () => Enumerable.Range(0, GC.MaxGeneration + 1)
                .Select(g => new Measurement<long>(GC.CollectionCount(g), new KeyValuePair<string, object?>("generation", $"gen{g}"))),
            "{collection}", "Garbage collections per generation since the process started.");
        Meter.CreateObservableGauge("dotnet_gc_heap_bytes", () => GC.GetGCMemoryInfo().HeapSizeBytes, "By",
            "Size of the managed heap after the last collection.");
        Meter.CreateObservableCounter("dotnet_gc_allocated_bytes_total", () => GC.GetTotalAllocatedBytes(), "By",
            "Bytes allocated on the managed heap since the process started.");
        Meter.CreateObservableCounter("dotnet_gc_pause_seconds_total", () => GC.GetTotalPauseDuration().TotalSeconds, "s",
            "Time the GC paused the process.");
        Meter.CreateObservableGauge("dotnet_threadpool_threads", () => ThreadPool.ThreadCount, "{thread}", "Thread pool threads.");
        Meter.CreateObservableGauge("dotnet_threadpool_queue_length", () => ThreadPool.PendingWorkItemCount, "{item}",
            "Work items queued on the thread pool.");
        Meter.CreateObservableCounter("dotnet_threadpool_completed_items_total", () => ThreadPool.CompletedWorkItemCount, "{item}",
            "Work items the thread pool completed.");
        Meter.CreateObservableGauge("process_working_set_bytes", () => Environment.WorkingSet, "By", "Resident memory of the process.");
        Meter.CreateObservableCounter("process_cpu_seconds_total", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, "s",
            "CPU time the process used.");
    }

    public void Dispose() => Meter.Dispose();
}
