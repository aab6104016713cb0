namespace RainStorm.Actors.Tests.Support;

/// <summary>A small tmpfs mounted (as root) on a directory for one test, so the test can fill a disk for real;
/// unmounted on dispose, whatever happened.</summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(string path, string size)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        return new TmpfsMount(path);
    }

    /// <summary>Space returns: the same mount, now of <paramref name="size"/>.</summary>
    public void Resize(string size) => Run("mount", "-o", $"remount,size={size}", Path);

    public void Dispose() => Run("umount", "-l", Path);

    private static void Run(string file, params string[] args)
    {
        var (exit, _, error) = ProcessRun.Run(TimeSpan.FromSeconds(30), file, args);
        if (exit != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({error.Trim()}); this test needs root to mount a tmpfs");
    }
}
