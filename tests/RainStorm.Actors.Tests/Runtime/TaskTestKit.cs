using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>A local test system for one task actor at a time, driven by probes: small batches, a fast flush, a long
/// retry timeout (so a test sees only the resends it causes) and an operator directory of its own.</summary>
public abstract class TaskTestKit() : TestKit(RuntimeTestConfig.Local()), IDisposable
{
    protected static readonly TransportSettings Transport = new(4096, TimeSpan.FromMilliseconds(5), 4, TimeSpan.FromSeconds(30), 2);

    protected string OperatorDir { get; } = Directory.CreateTempSubdirectory("rainstorm-ops-").FullName;

    /// <summary>A key whose key group satisfies <paramref name="wanted"/>, in another group than <paramref name="not"/>.</summary>
    protected static string KeyWhere(Func<int, bool> wanted, params string[] not) => TestKeys.Where(wanted, not);

    void IDisposable.Dispose()
    {
        Directory.Delete(OperatorDir, recursive: true);
        base.Dispose();
    }
}
