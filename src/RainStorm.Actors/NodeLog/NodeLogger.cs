using System.Globalization;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace RainStorm.Actors.NodeLog;

/// <summary>
/// The node's Akka logger: every event as one line (UTC timestamp, level, node, source, message) appended to
/// <c>rainstorm.log.file</c> (under the data directory), and to the console from <c>rainstorm.log.console-level</c> up,
/// so that <c>grep</c> answers questions about a run.
/// </summary>
public sealed class NodeLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static volatile bool _consoleMuted;
    private readonly StreamWriter? _file;
    private readonly LogLevel _consoleLevel;
    private readonly string _node;

    public NodeLogger()
    {
        var config = Context.System.Settings.Config;
        var path = config.GetString("rainstorm.log.file", "");
        _node = config.GetString("rainstorm.log.node", "");
        _consoleLevel = ParseLevel(config.GetString("rainstorm.log.console-level", "INFO"));
        if (path.Length > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                AutoFlush = true,
            };
        }
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    /// <summary>The HOCON that installs this logger writing to <paramref name="file"/>.</summary>
    public static string Hocon(string file, string node) => $$"""
        akka.loggers = ["{{typeof(NodeLogger).FullName}}, {{typeof(NodeLogger).Assembly.GetName().Name}}"]
        akka.stdout-loglevel = ERROR
        rainstorm.log {
          file = "{{file.Replace("\\", "\\\\")}}"
          node = "{{node}}"
        }
        """;

    /// <summary>Stops console output of every node logger in this process (the files keep everything); `local` uses
    /// it so that shutting its nodes down does not print their leave-and-disconnect chatter.</summary>
    public static void MuteConsole() => _consoleMuted = true;

    protected override void PostStop() => _file?.Dispose();

    private void Write(LogEvent e)
    {
        var message = e.Message?.ToString() ?? "";
        if (e.Cause is { } cause) message += $" | {cause.GetType().Name}: {cause.Message}";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{e.Timestamp.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {Level(e.LogLevel()),-5} {_node} [{e.LogSource}] {message.ReplaceLineEndings(" ")}");
        _file?.WriteLine(line);
        if (e.LogLevel() >= _consoleLevel && !_consoleMuted)
        {
            if (e.LogLevel() >= LogLevel.WarningLevel) Console.Error.WriteLine(line);
            else Console.WriteLine(line);
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARN",
        _ => "ERROR",
    };

    private static LogLevel ParseLevel(string text) => text.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.DebugLevel,
        "INFO" => LogLevel.InfoLevel,
        "WARNING" or "WARN" => LogLevel.WarningLevel,
        "ERROR" => LogLevel.ErrorLevel,
        _ => (LogLevel)int.MaxValue,
    };
}
