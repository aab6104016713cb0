using RainStorm.Actors.Hosting;

namespace RainStorm.Testing;

/// <summary>A loopback port for a node a test starts, where the port must be known up front: reserved for this test
/// process's life so that no other process (another test project running beside this one, the OS) takes it before the
/// node binds it (see <see cref="ReservedPorts"/>).</summary>
public static class FreePort
{
    public static int Next() => ReservedPorts.Next();
}
