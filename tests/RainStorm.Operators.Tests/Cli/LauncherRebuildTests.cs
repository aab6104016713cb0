namespace RainStorm.Operators.Tests.Cli;

/// <summary><c>bin/rainstorm</c> builds the node binary when it is missing, runs it without building while it is current, and
/// rebuilds it when a source or the configuration is newer (see <see cref="LauncherScratch"/>).</summary>
public sealed class LauncherRebuildTests : LauncherScratch
{
    [Fact]
    public async Task Builds_when_missing_runs_without_building_when_current_and_rebuilds_when_a_source_is_newer()
    {
        Assert.False(File.Exists(Binary));
        Assert.Equal(("v1 a b\n", Building), await RunAsync("a", "b"));

        Assert.Equal(("v1 c\n", ""), await RunAsync("c"));

        // A changed source, and the binary older than it (dated back: no doubts about time-stamp granularity).
        WriteProgram("v2");
        AgeBinary();
        Assert.Equal(("v2 d\n", Building), await RunAsync("d"));
        Assert.Equal(("v2 e\n", ""), await RunAsync("e"));

        // Configuration counts as a source too.
        Write("hocon/rainstorm.conf", "rainstorm { changed = true }");
        AgeBinary();
        Assert.Equal(("v2 f\n", Building), await RunAsync("f"));
    }
}
