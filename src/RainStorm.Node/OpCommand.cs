using System.Text;
using Microsoft.Win32.SafeHandles;
using RainStorm.Operators;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;

namespace RainStorm.Node;

/// <summary>
/// <c>rainstorm op &lt;Op&gt; &lt;arg&gt;</c>: a built-in operator as a Unix filter, stdin to stdout. Input line n is the
/// tuple <c>&lt;stdin:n, line&gt;</c>, split as the runtime's source splits a file (see <see cref="OpInputLines"/>);
/// each output tuple's value is written as one line. Every read from stdin is processed and its output flushed at
/// once, so it also works interactively. Exit codes: 0 done, 1 bad input or unwritable output, 2 bad op or arg.
/// </summary>
public static class OpCommand
{
    private const int ReadSize = 1 << 16;
    private const int BrokenPipe = 32; // EPIPE: the errno .NET puts in IOException.HResult on Linux

    public static async Task<int> RunAsync(string[] args)
    {
        using var op = Create(args);
        try
        {
            // The reader going away (`| head`) ends the filter quietly, as SIGPIPE would end a C filter.
            if (!await PumpAsync(op)) return 0;
        }
        catch (OpStreamException e)
        {
            Console.Error.WriteLine($"rainstorm op: {e.Message}");
            return 1;
        }
        var malformed = op switch
        {
            AggregateByKey a => a.MalformedCount,
            Transform t => t.MalformedCount,
            _ => 0,
        };
        if (malformed > 0) Console.Error.WriteLine($"rainstorm op: skipped {malformed} malformed record(s) with too few fields.");
        return 0;
    }

    private static IOperator Create(string[] args)
    {
        if (args.Length != 2)
            throw new UsageException($"op takes 2 arguments, <Op> <arg>, but got {args.Length}; expected e.g. 'rainstorm op Filter Warning < file.csv'.");
        if (!OperatorFactory.IsBuiltIn(args[0]))
            throw new UsageException($"{BuiltInNames.NotBuiltIn(args[0])}; rainstorm op runs built-ins only.");
        // Valid (such an arg means the first three fields, see docs/architecture.md), but worth a word: it is more often a typo.
        if (args[0] == "Transform" && !ColumnSpec.TryParse(args[1], out _))
            Console.Error.WriteLine($"rainstorm op: Transform arg '{args[1]}' is not a column spec like 0-2 or 0,3,8; selecting the first 3 fields (0-2).");
        try
        {
            return OperatorFactory.Create(new StageSpec(args[0], args[1]), operatorDirectory: "");
        }
        catch (OperatorException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Runs the operator over stdin until end of input (true) or until stdout is closed (false). Lines before
    /// a bad input line are processed and written before the <see cref="OpStreamException"/> about it.</summary>
    private static async Task<bool> PumpAsync(IOperator op)
    {
        var input = Console.OpenStandardInput();
        var output = new StreamWriter(OpenStdout(), new UTF8Encoding(false), bufferSize: ReadSize) { AutoFlush = false, NewLine = "\n" };
        var lines = new OpInputLines();
        var buffer = new byte[ReadSize];
        var batch = new List<StreamTuple>();
        var outputs = new List<StreamTuple>();
        while (true)
        {
            var read = await ReadAsync(input, buffer);
            batch.Clear();
            if (read > 0) lines.Split(buffer.AsSpan(0, read), batch);
            else lines.Finish(batch);
            outputs.Clear();
            if (batch.Count > 0) op.Process(batch, outputs);
            if (!await WriteAsync(output, outputs)) return false;
            if (lines.Failure is { } failure) throw failure;
            if (read == 0) return true;
        }
    }

    /// <summary>A pipe (or terminal) as a FileStream over fd 1, because the console stream ignores EPIPE: writing
    /// after the reader has gone must fail, or `endless | rainstorm op ... | head` would never end. A file as the console
    /// stream, because a FileStream writes a seekable file at its own offset and would overwrite what others write to
    /// the same file (`{ rainstorm op ...; echo done; } > out`); the console stream writes at the shared offset and
    /// reports other errors, such as a full disk.</summary>
    private static Stream OpenStdout()
    {
        try
        {
            var pipe = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            return pipe.CanSeek ? Console.OpenStandardOutput() : pipe;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new OpStreamException($"cannot write standard output ({Reason(e)}).");
        }
    }

    private static async Task<int> ReadAsync(Stream input, byte[] buffer)
    {
        try
        {
            return await input.ReadAsync(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OpStreamException($"cannot read standard input ({Reason(e)}); expected a file or a pipe of text lines.");
        }
    }

    private static async Task<bool> WriteAsync(StreamWriter output, List<StreamTuple> outputs)
    {
        try
        {
            foreach (var tuple in outputs) output.WriteLine(tuple.Value);
            await output.FlushAsync();
            return true;
        }
        catch (IOException e) when (e.HResult == BrokenPipe)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OpStreamException($"cannot write standard output ({Reason(e)}).");
        }
    }

    /// <summary>The OS's words ("Bad file descriptor"), which .NET sometimes wraps in a vaguer exception.</summary>
    private static string Reason(Exception e) => (e.InnerException ?? e).Message.TrimEnd('.');
}
