using RainStorm.Actors.Runtime.Transport;

namespace RainStorm.Actors.Tests.Runtime.ExactlyOnce;

/// <summary>What the exactly_once task specs share: a generous wait (journal appends go to HyDFS on a 3-node cluster)
/// and small batches with a long retry timeout, so a test sees only the resends it causes.</summary>
internal static class DurableTaskDefaults
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    public static readonly TransportSettings Transport = new(4096, TimeSpan.FromMilliseconds(5), 4, TimeSpan.FromSeconds(60), 2);
}
