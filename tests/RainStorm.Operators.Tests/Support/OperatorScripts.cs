namespace RainStorm.Operators.Tests.Support;

/// <summary>A fresh temporary operator directory with small sh scripts, deleted afterwards. The scripts are written
/// up front, before any test starts a child process (a file open for writing while another thread forks gives ETXTBSY).</summary>
public sealed class OperatorScripts : IDisposable
{
    public OperatorScripts()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("rainstorm-ops-").FullName;
        Write("upper", "tr a-z A-Z");
        Write("grep_arg", "grep -F -- \"$1\" || true");
        Write("echo_arg", "printf '%s\\n' \"$1\"");
        Write("twice", "while IFS= read -r line; do printf '%s\\n%s\\n' \"$line\" \"$line\"; done");
        Write("first_only", "head -n 1");
        Write("fail", "cat > /dev/null\necho 'reading the input' >&2\necho 'bad things happened' >&2\nexit 3");
        Write("hang", "sleep 120 &\necho $! > \"$1\"\nwait");
        Write("garbage", "cat > /dev/null\nprintf 'ok\\n\\377\\376\\n'");
        Write("crlf", "cat > /dev/null\nprintf 'a\\r\\nb\\r\\n'");
        // The built-ins' Unix-filter form wrapped as user operators (docs/architecture.md: each built-in is an example of one).
        var rainstorm = Path.Combine(AppContext.BaseDirectory, "rainstorm.dll");
        Write("filter_via_op", $"exec dotnet '{rainstorm}' op Filter \"$1\"");
        Write("aggregate_via_op", $"exec dotnet '{rainstorm}' op AggregateByKey \"$1\"");
        File.WriteAllText(Path.Combine(Directory, "not_executable"), "#!/bin/sh\ncat\n");
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "sub"));
        Write(Path.Combine("sub", "nested"), "cat");
        Outside = System.IO.Directory.CreateTempSubdirectory("rainstorm-outside-").FullName;
        File.WriteAllText(Path.Combine(Outside, "evil"), "#!/bin/sh\ncat\n");
        File.SetUnixFileMode(Path.Combine(Outside, "evil"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Directory { get; }

    /// <summary>A directory beside the operator directory with an executable in it, which must stay unreachable.</summary>
    public string Outside { get; }

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.Delete(Outside, recursive: true);
    }

    private void Write(string name, string body)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>Tests that start child processes run one class at a time (see <see cref="OperatorScripts"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ChildProcessCollection : ICollectionFixture<OperatorScripts>
{
    public const string Name = "child processes";
}
