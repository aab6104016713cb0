using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>
/// The real client binary on a pseudo-terminal (util-linux <c>script</c>): help, the line editor's Tab completion, history and
/// a real Ctrl+C (the terminal turns it into SIGINT) cancelling a streaming command.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TerminalTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Tab_completes_history_recalls_and_ctrl_c_cancels_a_stream_on_a_real_terminal()
    {
        var client = Path.Combine(AppContext.BaseDirectory, "rainstorm.dll");
        var endpoint = cluster.First.CmdEndpoint;
        // "exec": script runs the command through $SHELL; a shell left in between (dash, CI's /bin/sh) would get the
        // terminal's SIGINT too and die of it after the client exits.
        using var process = Process.Start(new ProcessStartInfo("script", ["-qfec", $"exec dotnet {client} {endpoint}", "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var screen = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
                lock (screen) screen.Append(buffer, 0, n);
        });
        string Screen()
        {
            lock (screen) return screen.ToString();
        }
        async Task Type(string keys, string thenSee)
        {
            await process.StandardInput.WriteAsync(keys);
            await process.StandardInput.FlushAsync();
            await Poll.AssertAsync(() => Assert.Contains(thenSee, Screen()), TimeSpan.FromSeconds(90));
        }

        try
        {
            await Poll.AssertAsync(() => Assert.Contains($"[{endpoint}] rainstorm> ", Screen()), TimeSpan.FromSeconds(60));
            await Type("help wait\r", "example: wait job-1 --timeout 60 --follow");
            await Type("clu\t", "rainstorm> cluster ");
            await Type("s\t", "rainstorm> cluster show ");
            await Type("\r", "3 members");
            await Type("hydfs l\t\t", "list_mem_ids  liststore  ls");
            await Type("\u0015jobs -o \t\t", "json  table");
            await Type("j\t", "rainstorm> jobs -o json ");
            await Type("\u0015cluster tail\r", "3 members: ");
            await Type("\u0003", "error: cancelled.");
            // Up, Up: back to "cluster show" in the history; Enter runs it again.
            await process.StandardInput.WriteAsync("\u001b[A\u001b[A\r");
            await process.StandardInput.FlushAsync();
            await Poll.AssertAsync(() => Assert.Equal(2, Regex.Count(Screen(), "\n3 members\r")), TimeSpan.FromSeconds(30));
            await Type("exit\r", "exit");
            Assert.True(process.WaitForExit(20_000), "the client did not exit");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await reading.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
