using Akka.Hosting;

namespace RainStorm.Actors.Persistence;

public static class HyDfsPersistenceHostingExtensions
{
    public const string JournalPluginId = "akka.persistence.journal.hydfs";
    public const string SnapshotPluginId = "akka.persistence.snapshot-store.hydfs";

    /// <summary>
    /// Makes the HyDFS journal and snapshot store (defined in rainstorm.conf) the default plugins of this actor system.
    /// </summary>
    public static AkkaConfigurationBuilder WithHyDfsPersistence(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon($$"""
            akka.persistence.journal.plugin = "{{JournalPluginId}}"
            akka.persistence.snapshot-store.plugin = "{{SnapshotPluginId}}"
            """, HoconAddMode.Prepend);
}
