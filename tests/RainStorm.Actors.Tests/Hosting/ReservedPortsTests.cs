using System.Net;
using System.Net.Sockets;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Tests.Hosting;

/// <summary>Ports reserved across processes: lock files under a directory of their own per test, ports that this test
/// process reserved from the shared reservations (so nothing else binds them meanwhile), and util-linux flock(1) as
/// the other process.</summary>
public sealed class ReservedPortsTests : IDisposable
{
    /// <summary>flock -E: its exit code when the lock is held elsewhere (distinct from its other failures).</summary>
    private const int HeldElsewhere = 75;

    private readonly string _locks = Directory.CreateTempSubdirectory("rainstorm-port-locks-").FullName;

    public void Dispose() => Directory.Delete(_locks, recursive: true);

    [Fact]
    public void Ports_come_from_outside_the_range_the_OS_assigns_by_itself_and_never_twice()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(int.Parse).ToArray();
        var pool = ReservedPorts.NonEphemeralPorts();

        Assert.True(pool.Count >= 1000, $"only {pool.Count} ports outside {range[0]}-{range[1]}");
        Assert.DoesNotContain(pool, p => p >= range[0] && p <= range[1]);
        Assert.All(pool, p => Assert.InRange(p, ReservedPorts.Lowest, IPEndPoint.MaxPort));
        var taken = ReservedPorts.Next(50);
        Assert.Equal(50, taken.Distinct().Count());
        Assert.All(taken, p => Assert.Contains(p, pool));
    }

    [Fact]
    public async Task Another_process_cannot_take_the_lock_of_a_reserved_port()
    {
        var candidates = ReservedPorts.Next(2);
        var reserved = new ReservedPorts(_locks, candidates).Take();
        var other = candidates.Single(p => p != reserved);

        Assert.Equal(HeldElsewhere, (await FlockAsync(reserved)).Exit);
        Assert.Equal(0, (await FlockAsync(other)).Exit);
    }

    [Fact]
    public void Two_reservers_sharing_the_lock_directory_get_different_ports_and_a_third_finds_none_left()
    {
        var pool = ReservedPorts.Next(2);
        var first = new ReservedPorts(_locks, pool).Take();
        var second = new ReservedPorts(_locks, pool).Take();

        Assert.Equal(pool.Order(), new[] { first, second }.Order());
        var none = Assert.Throws<InvalidOperationException>(() => new ReservedPorts(_locks, pool).Take());
        Assert.StartsWith("no free port left among the 2 candidates", none.Message);
    }

    [Fact]
    public async Task A_port_something_listens_on_is_skipped_and_its_lock_let_go()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var busy = ((IPEndPoint)listener.LocalEndpoint).Port;
            var free = ReservedPorts.Next();
            var ports = new ReservedPorts(_locks, [busy, free]);

            Assert.Equal(free, ports.Take());
            Assert.Throws<InvalidOperationException>(() => ports.Take());
            Assert.Equal(0, (await FlockAsync(busy)).Exit);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Another process asks for the port's lock, shared (which only an exclusive lock refuses), without waiting:
    /// 0 = it got it (and let it go), else <see cref="HeldElsewhere"/>.</summary>
    private Task<RunResult> FlockAsync(int port) =>
        ProcessRun.RunAsync(TimeSpan.FromSeconds(30), "flock", ["--shared", "--nonblock", "--conflict-exit-code", $"{HeldElsewhere}", Path.Combine(_locks, $"{port}.lock"), "true"]);
}
