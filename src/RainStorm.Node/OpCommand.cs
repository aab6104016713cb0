using System.Text;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using RainStorm.Operators;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Jobs;

namespace RainStorm.Node;

/// <summary>
/// <c>rainstorm op &lt;Op&gt; &lt;arg&gt;</c>: a built-in operator as a Unix filter, stdin to stdout. Input line n is the
/// tuple <c>&lt;stdin:n, line&gt;</c>; each output tuple's value is written as one line. Lines stream through in
/// batches of whatever has arrived, and output is flushed whenever the input runs dry, so it also works interactively.
/// </summary>
public static class OpCommand
{
    private const int MaxBatch = 4096;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2)
            throw new UsageException($"op takes 2 arguments, <Op> <arg>, but got {args.Length}; expected e.g. 'rainstorm op Filter Warning < file.csv'.");
        if (!OperatorFactory.IsBuiltIn(args[0]))
            throw new UsageException($"op '{args[0]}' is not a built-in operator; expected one of {string.Join(", ", OperatorFactory.BuiltIns)}.");
        IOperator op;
        try
        {
            op = OperatorFactory.Create(new StageSpec(args[0], args[1]), operatorDirectory: "");
        }
        catch (OperatorException e)
        {
            throw new UsageException(e.Message);
        }
        using (op)
        {
            // The reader going away (`| head`) ends the filter quietly, as SIGPIPE would end a C filter.
            if (!await PumpAsync(op)) return 0;
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

    /// <summary>Runs the operator over stdin until end of input (true) or until stdout is closed (false).</summary>
    private static async Task<bool> PumpAsync(IOperator op)
    {
        var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true, SingleWriter = true });
        // No byte-order-mark detection: a BOM is passed through as part of the first line, like any Unix filter would.
        var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        // fd 1 as a FileStream rather than the console stream, which ignores EPIPE: writing after the reader has gone
        // must fail, or `endless | rainstorm op ... | head` would never end.
        var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        var output = new StreamWriter(stdout, new UTF8Encoding(false), bufferSize: 1 << 16) { AutoFlush = false, NewLine = "\n" };
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await input.ReadLineAsync() is { } line) await lines.Writer.WriteAsync(line);
            }
            finally
            {
                lines.Writer.Complete();
            }
        });

        var batch = new List<StreamTuple>(MaxBatch);
        var outputs = new List<StreamTuple>(MaxBatch);
        long lineNumber = 0;
        try
        {
            while (await lines.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && lines.Reader.TryRead(out var line))
                    batch.Add(new StreamTuple($"stdin:{++lineNumber}", line));
                outputs.Clear();
                op.Process(batch, outputs);
                foreach (var tuple in outputs) output.WriteLine(tuple.Value);
                if (!lines.Reader.TryPeek(out _)) await output.FlushAsync();
            }
            await output.FlushAsync();
        }
        catch (IOException)
        {
            return false; // stdout closed; stdin may still be open and endless, so do not wait for the reader
        }
        await reading;
        return true;
    }
}
