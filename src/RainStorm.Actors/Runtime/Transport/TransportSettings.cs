using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Transport;

/// <summary>The <c>rainstorm.transport</c> section of the configuration.</summary>
/// <param name="MaxBatchBytes">A batch is sealed once its tuples reach this many characters (bounded well below the frame size).</param>
/// <param name="FlushInterval">A partial batch is sent after at most this long.</param>
/// <param name="Window">Unacknowledged batches allowed per edge: the credit window.</param>
/// <param name="RetryTimeout">An unacknowledged batch is resent after this long.</param>
/// <param name="ReadyLimit">Sealed batches waiting for credit per edge before the task stops taking input.</param>
public sealed record TransportSettings(int MaxBatchBytes, TimeSpan FlushInterval, int Window, TimeSpan RetryTimeout, int ReadyLimit)
{
    public static TransportSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.transport"));

    public static TransportSettings Create(Config section)
    {
        var settings = new TransportSettings(
            (int)(section.GetByteSize("max-batch-bytes") ?? 131072),
            section.GetTimeSpan("flush-interval", TimeSpan.FromMilliseconds(5)),
            section.GetInt("window", 8),
            section.GetTimeSpan("retry-timeout", TimeSpan.FromSeconds(5)),
            section.GetInt("ready-limit", 2));
        if (settings.MaxBatchBytes is < 1024 or > 1_000_000)
            throw new ConfigurationException("rainstorm.transport.max-batch-bytes must be between 1 KiB and 1 MB (frames are 4 MB, UTF-8 may triple it).");
        if (settings.Window < 1 || settings.ReadyLimit < 1)
            throw new ConfigurationException("rainstorm.transport.window and ready-limit must be at least 1.");
        return settings;
    }
}
