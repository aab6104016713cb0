using System.Diagnostics;

namespace RainStorm.Node.Tests.Support;

/// <summary>Runs the real <c>rainstorm</c> binary (built next to the tests) as a process, killing it if it hangs.</summary>
public static class ProcessRun
{
    public static string Binary => Path.Combine(AppContext.BaseDirectory, "rainstorm.dll");

    /// <summary>Runs to completion; a process still running after <paramref name="limit"/> is killed and the test fails.</summary>
    public static Task<ClientResult> RunAsync(TimeSpan limit, params string[] args) => RunAsync(limit, new Dictionary<string, string>(), args);

    /// <param name="environment">Variables set for the process (on top of this one's).</param>
    public static async Task<ClientResult> RunAsync(TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Binary, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return new ClientResult(process.ExitCode, await stdout, await stderr);
    }
}
