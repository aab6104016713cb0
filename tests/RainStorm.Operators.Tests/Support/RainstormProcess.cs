using System.Diagnostics;
using System.Text;

namespace RainStorm.Operators.Tests.Support;

/// <summary>Runs the built <c>rainstorm</c> executable (rainstorm.dll, copied next to the tests by the project reference)
/// as a child process, and kills it on dispose if it still runs.</summary>
public sealed class RainstormProcess : IDisposable
{
    private readonly Process _process;

    public RainstormProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rainstorm.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        StandardError = _process.StandardError.ReadToEndAsync();
    }

    public StreamWriter StandardInput => _process.StandardInput;
    public StreamReader StandardOutput => _process.StandardOutput;
    public Task<string> StandardError { get; }

    /// <summary>Copies bytes to stdin, closes it, and returns stdout, stderr and the exit code.</summary>
    public async Task<(byte[] Stdout, string Stderr, int ExitCode)> RunWithInputAsync(byte[] input)
    {
        var writing = Task.Run(async () =>
        {
            try
            {
                await _process.StandardInput.BaseStream.WriteAsync(input);
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The process stopped reading and exited before the end of the input (allowed; its exit code tells).
            }
        });
        using var stdout = new MemoryStream();
        await _process.StandardOutput.BaseStream.CopyToAsync(stdout).WaitAsync(TimeSpan.FromMinutes(2));
        await writing.WaitAsync(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (stdout.ToArray(), await StandardError, _process.ExitCode);
    }

    /// <summary>Runs <c>sh -c script</c>, for redirections a process cannot be given directly; the script finds the
    /// rainstorm command in <c>$RAINSTORM</c> (run it as <c>dotnet "$RAINSTORM" ...</c>). Returns stdout, stderr and exit code.</summary>
    public static async Task<(string Stdout, string Stderr, int ExitCode)> ShellAsync(string script)
    {
        var (exit, stdout, stderr) = await ProcessRun.RunAsync(TimeSpan.FromMinutes(2), "/bin/sh", ["-c", script],
            environment: new Dictionary<string, string> { ["RAINSTORM"] = ProcessRun.Rainstorm });
        return (stdout, stderr, exit);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
