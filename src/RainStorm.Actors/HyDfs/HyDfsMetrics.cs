using System.Diagnostics.Metrics;
using Akka.Actor;
using RainStorm.Actors.HyDfs.Storage;

namespace RainStorm.Actors.HyDfs;

/// <summary>HyDFS instruments of one node: the bytes and files its replica store holds, and the appends it ordered as
/// a file's primary. Read by the node's <c>/metrics</c>.</summary>
public sealed class HyDfsMetrics : IExtension, IDisposable
{
    public const string MeterName = "RainStorm.HyDfs";

    private StoreIndex? _store;
    private long _appends;
    private long _appendedBytes;

    public Meter Meter { get; } = new(MeterName);

    public static HyDfsMetrics For(ActorSystem system) => system.WithExtension<HyDfsMetrics, HyDfsMetricsProvider>();

    public HyDfsMetrics()
    {
        Meter.CreateObservableGauge("rainstorm_hydfs_stored_bytes", () => _store?.Snapshot().Sum(f => f.Length) ?? 0, "By",
            "Bytes of the HyDFS replicas stored on this node.");
        Meter.CreateObservableGauge("rainstorm_hydfs_files", () => _store?.Snapshot().Count ?? 0, "{file}",
            "HyDFS files with a replica on this node.");
        Meter.CreateObservableCounter("rainstorm_hydfs_appends_total", () => Interlocked.Read(ref _appends), "{append}",
            "Appends this node accepted as a file's primary.");
        Meter.CreateObservableCounter("rainstorm_hydfs_appended_bytes_total", () => Interlocked.Read(ref _appendedBytes), "By",
            "Bytes of the appends this node accepted as a file's primary.");
    }

    internal void Track(StoreIndex store) => _store = store;

    public void Appended(int bytes)
    {
        Interlocked.Increment(ref _appends);
        Interlocked.Add(ref _appendedBytes, bytes);
    }

    public void Dispose() => Meter.Dispose();
}

public sealed class HyDfsMetricsProvider : ExtensionIdProvider<HyDfsMetrics>
{
    public override HyDfsMetrics CreateExtension(ExtendedActorSystem system)
    {
        var metrics = new HyDfsMetrics();
        system.RegisterOnTermination(metrics.Dispose);
        return metrics;
    }
}
