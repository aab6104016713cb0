using System.Net;
using System.Net.Sockets;

namespace RainStorm.Actors.Hosting;

/// <summary>
/// Loopback ports chosen up front for nodes this process starts (or has started), that no other process will be
/// handed meanwhile. A port picked by binding port 0 and closing again is only free at that moment: the OS may give it
/// to any port-0 bind or outgoing connection, and another process choosing the same way may pick it too, before the
/// node binds it. So a reserved port is (1) outside the OS's ephemeral range, which the OS never assigns on its own,
/// (2) not bound by anyone now, and (3) claimed by an exclusive lock on <c>PORT.lock</c> in a directory shared by every
/// process that chooses this way; this process holds the lock until it exits (the OS then drops it, even on a kill),
/// and the others skip the port. Used by <c>rainstorm local</c>, the tests and the benchmarks.
/// </summary>
public sealed class ReservedPorts
{
    /// <summary>Below this no port is chosen (well-known and registered services, and the default RainStorm ports).</summary>
    public const int Lowest = 10000;

    private readonly string _lockDirectory;
    private readonly IReadOnlyList<int> _pool;
    private readonly List<FileStream> _locks = [];
    private readonly HashSet<int> _reserved = [];
    private int _next;

    /// <param name="lockDirectory">Where the lock files are; processes that must not share a port use the same one.</param>
    /// <param name="pool">The ports to choose from, in the order tried (from a random place onwards).</param>
    public ReservedPorts(string lockDirectory, IReadOnlyList<int> pool)
    {
        if (pool.Count == 0) throw new ArgumentException("there are no ports to choose from", nameof(pool));
        _lockDirectory = lockDirectory;
        _pool = pool;
        _next = Random.Shared.Next(pool.Count);
    }

    /// <summary>This process's reservations: from <see cref="NonEphemeralPorts"/>, locked in the temp directory.</summary>
    public static ReservedPorts Shared { get; } = new(Path.Combine(Path.GetTempPath(), "rainstorm-ports"), NonEphemeralPorts());

    /// <summary>One port from <see cref="Shared"/>.</summary>
    public static int Next() => Shared.Take();

    /// <summary><paramref name="count"/> distinct ports from <see cref="Shared"/>.</summary>
    public static int[] Next(int count) => Enumerable.Range(0, count).Select(_ => Shared.Take()).ToArray();

    /// <summary>A port nobody listens on now and no other process reserves; it stays reserved for this process's life.</summary>
    public int Take()
    {
        lock (_locks)
        {
            Directory.CreateDirectory(_lockDirectory);
            for (var tried = 0; tried < _pool.Count; tried++)
            {
                var port = _pool[_next];
                _next = (_next + 1) % _pool.Count;
                if (_reserved.Contains(port) || TryLock(port) is not { } held) continue;
                if (!Unbound(port))
                {
                    held.Dispose();
                    continue;
                }
                _locks.Add(held);
                _reserved.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException(
            $"no free port left among the {_pool.Count} candidates (the others are in use or reserved by processes holding locks in {_lockDirectory})");
    }

    /// <summary>The lock on the port's file, or null when another process holds it. On Unix .NET takes an exclusive
    /// flock(2) for FileShare.None, which conflicts with any other open file description (another process, or another
    /// instance in this one).</summary>
    private FileStream? TryLock(int port)
    {
        try
        {
            return new FileStream(Path.Combine(_lockDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Unbound(int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The ports from <see cref="Lowest"/> up that the OS does not hand out on its own (Linux:
    /// /proc/sys/net/ipv4/ip_local_port_range; elsewhere the IANA dynamic range 49152-65535). Should the ephemeral
    /// range leave fewer than 1000 of them, all ports from <see cref="Lowest"/> up (the locks still keep the processes
    /// that reserve apart).</summary>
    public static IReadOnlyList<int> NonEphemeralPorts()
    {
        var (low, high) = EphemeralRange();
        var outside = Enumerable.Range(Lowest, IPEndPoint.MaxPort - Lowest + 1).Where(p => p < low || p > high).ToList();
        return outside.Count >= 1000 ? outside : Enumerable.Range(Lowest, IPEndPoint.MaxPort - Lowest + 1).ToList();
    }

    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var bounds = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            if (bounds.Length == 2) return (bounds[0], bounds[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or no procfs: assume the IANA range below.
        }
        return (49152, IPEndPoint.MaxPort);
    }
}
