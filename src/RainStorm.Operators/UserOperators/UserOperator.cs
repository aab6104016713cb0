using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using RainStorm.Operators.Contract;

namespace RainStorm.Operators.UserOperators;

/// <summary>
/// An executable from the operator directory, run once per batch: it gets its argument as its only command-line
/// argument, the batch's tuple values on stdin one per line (then stdin is closed), and must write its output lines
/// on stdout and exit 0 within <see cref="Timeout"/>. Each output line becomes a tuple whose key is the line.
/// Non-zero exit, timeout or invalid output (not UTF-8, oversized) is an <see cref="OperatorException"/> naming the
/// operator and quoting the end of its stderr; a child that runs too long is killed with its process tree.
/// </summary>
public sealed class UserOperator : IOperator
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private Process? _running;
    private volatile int _lastPid;
    private bool _disposed;

    public UserOperator(string name, string arg, string operatorDirectory, TimeSpan? timeout = null)
    {
        ExecutablePath = OperatorDirectory.Resolve(name, operatorDirectory);
        Name = name;
        Arg = arg;
        Timeout = timeout ?? DefaultTimeout;
    }

    public string Name { get; }
    public string Arg { get; }
    public string ExecutablePath { get; }
    public TimeSpan Timeout { get; }

    /// <summary>The OS pid of the running child, or of the last one once it exited; null before the first batch.</summary>
    public int? CurrentPid => _lastPid == 0 ? null : _lastPid;

    public void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs)
    {
        if (batch.Count == 0) return;
        foreach (var tuple in batch)
        {
            if (tuple.Value.AsSpan().ContainsAny('\n', '\r'))
                throw new OperatorException($"User operator '{Name}' cannot take the value of tuple '{tuple.Key}' because it contains a line break; expected one line per tuple.");
        }
        using var child = Start();
        var stderr = new StderrTail();
        child.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        child.BeginErrorReadLine();
        var writing = WriteInputAsync(child, batch);
        var reading = OutputLines.ReadAllAsync(child.StandardOutput);
        var all = Task.WhenAll(writing, reading, child.WaitForExitAsync());
        try
        {
            if (!all.Wait(Timeout))
            {
                KillAndDrain(child, all);
                throw new OperatorException($"User operator '{Name}' did not finish a batch of {batch.Count} tuples within {Timeout.TotalSeconds:0.###} s and was killed; {stderr.Describe()}.");
            }
        }
        catch (AggregateException e)
        {
            KillAndDrain(child, all);
            var what = e.InnerException is InvalidOutputException invalid ? $"wrote {invalid.Message}" : $"failed to exchange data ({e.InnerException?.Message})";
            throw new OperatorException($"User operator '{Name}' {what}; {stderr.Describe()}.");
        }
        finally
        {
            lock (_gate) _running = null;
        }
        child.WaitForExit(); // drains the stderr events
        if (child.ExitCode != 0)
            throw new OperatorException($"User operator '{Name}' exited with code {child.ExitCode} on a batch of {batch.Count} tuples; {stderr.Describe()}.");
        foreach (var line in reading.Result) outputs.Add(new StreamTuple(line, line));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_running is { } child) Kill(child);
        }
    }

    private Process Start()
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = OutputLines.StrictUtf8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(ExecutablePath)!,
        };
        start.ArgumentList.Add(Arg);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var child = System.Diagnostics.Process.Start(start)
                    ?? throw new OperatorException($"User operator '{Name}' could not be started; expected an executable at '{ExecutablePath}'.");
                _running = child;
                _lastPid = child.Id;
                return child;
            }
            catch (Win32Exception e)
            {
                throw new OperatorException($"User operator '{Name}' could not be started ({e.Message}); expected an executable with a valid #! line or binary format at '{ExecutablePath}'.");
            }
        }
    }

    private static async Task WriteInputAsync(Process child, IReadOnlyList<StreamTuple> batch)
    {
        await Task.Yield(); // the caller goes on to start reading stdout at once
        var stdin = child.StandardInput;
        try
        {
            foreach (var tuple in batch)
            {
                await stdin.WriteAsync(tuple.Value);
                await stdin.WriteAsync('\n');
            }
            await stdin.FlushAsync();
            stdin.Close();
        }
        catch (IOException)
        {
            // The child closed its stdin early (allowed: it may not need all input); its exit code decides.
        }
    }

    private static void KillAndDrain(Process child, Task pending)
    {
        Kill(child);
        // Let the pipe readers see end-of-file before the process object is disposed.
        try
        {
            pending.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Their failure is a consequence of the kill.
        }
    }

    private static void Kill(Process child)
    {
        try
        {
            child.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
