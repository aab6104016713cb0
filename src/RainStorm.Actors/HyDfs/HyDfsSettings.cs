using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.HyDfs;

/// <summary>The <c>rainstorm.hydfs</c> section of the configuration.</summary>
public sealed record HyDfsSettings(
    int ReplicationFactor,
    int ChunkSize,
    int MaxBatchBytes,
    TimeSpan RequestTimeout,
    TimeSpan ReplicaRetryInterval,
    TimeSpan VerifyTimeout,
    int ClientMaxInFlight,
    bool Fsync)
{
    public static HyDfsSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.hydfs"));

    public static HyDfsSettings Create(Config? config)
    {
        if (config is null || config.IsEmpty)
            throw new InvalidOperationException("rainstorm.hydfs configuration is missing (load RainStormHocon.Default).");
        var settings = new HyDfsSettings(
            config.GetInt("replication-factor", 3),
            (int)(config.GetByteSize("chunk-size") ?? 1024 * 1024),
            (int)(config.GetByteSize("max-batch-bytes") ?? 2 * 1024 * 1024),
            config.GetTimeSpan("request-timeout", TimeSpan.FromSeconds(30)),
            config.GetTimeSpan("replica-retry-interval", TimeSpan.FromMilliseconds(500)),
            config.GetTimeSpan("verify-timeout", TimeSpan.FromSeconds(2)),
            config.GetInt("client-max-in-flight", 16384),
            config.GetBoolean("fsync", true));
        if (settings.ReplicationFactor < 1) throw new InvalidOperationException("rainstorm.hydfs.replication-factor must be >= 1.");
        if (settings.ChunkSize is < 4096 or > 2 * 1024 * 1024) throw new InvalidOperationException("rainstorm.hydfs.chunk-size must be 4KiB..2MiB (below the remoting frame size).");
        if (settings.MaxBatchBytes is < 4096 or > 3 * 1024 * 1024) throw new InvalidOperationException("rainstorm.hydfs.max-batch-bytes must be 4KiB..3MiB (below the remoting frame size).");
        return settings;
    }
}
