using System.Diagnostics;

namespace RainStorm.Testing;

/// <summary>What a run of a command (a process, or the client in this process) printed and how it exited.</summary>
public sealed record RunResult(int Exit, string Out, string Err)
{
    public IReadOnlyList<string> OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
}

/// <summary>
/// Runs a program to completion as a child process: the given standard input (then closed), standard output and error
/// captured. One deadline bounds the whole run, the reads of both pipes included (a grandchild that inherited them
/// keeps them open past the exit); past it the process and its children are killed and the test fails naming the
/// command. The process is killed when the run ends in any other way too.
/// </summary>
public static class ProcessRun
{
    /// <summary>The real <c>rainstorm</c> binary, built next to the tests (rainstorm.dll; run it with dotnet).</summary>
    public static string Rainstorm => Path.Combine(AppContext.BaseDirectory, "rainstorm.dll");

    /// <param name="workingDirectory">null = this process's.</param>
    /// <param name="environment">Variables set for the process on top of this one's.</param>
    public static async Task<RunResult> RunAsync(TimeSpan limit, string file, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string stdin = "")
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var command = string.Join(' ', info.ArgumentList.Prepend(file));
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start");
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited (or closed its input) before reading all of it; its exit code and output tell.
            }
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new RunResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException(process.HasExited
                ? $"{command} exited, but its output was still open after {limit.TotalSeconds:0} s (a child process of it holds it)"
                : $"{command} still ran after {limit.TotalSeconds:0} s; killed");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary><see cref="RunAsync"/> for a caller that cannot await (a constructor, Dispose): it blocks this thread
    /// only; the run itself never needs it back (no await in it resumes on the caller's context).</summary>
    public static RunResult Run(TimeSpan limit, string file, IEnumerable<string> args, string? workingDirectory = null) =>
        RunAsync(limit, file, args, workingDirectory).GetAwaiter().GetResult();

    /// <summary>Runs <c>dotnet rainstorm.dll args</c> (see <see cref="Rainstorm"/>) in the temp directory, so that
    /// nothing it writes by default lands next to the tests.</summary>
    public static Task<RunResult> RainstormAsync(TimeSpan limit, params string[] args) => RainstormAsync(limit, new Dictionary<string, string>(), args);

    /// <param name="environment">Variables set for the process on top of this one's.</param>
    public static Task<RunResult> RainstormAsync(TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(limit, "dotnet", [Rainstorm, .. args], Path.GetTempPath(), environment);
}
