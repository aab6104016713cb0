namespace RainStorm.Node;

/// <summary>
/// A node's hold on its data directory: an exclusive lock on <c>&lt;dir&gt;/.lock</c> (flock on Linux) kept for the
/// node's lifetime, so a second node, in this process or another, cannot share the directory, and <c>local</c> can
/// tell a directory in use from one left by an earlier run. The lock goes with the process, however it ends.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private const string LockFile = ".lock";
    private const string OwnerFile = ".lock-owner";
    private readonly FileStream _lock;

    private DataDirectoryLock(string directory, FileStream @lock)
    {
        Directory = directory;
        _lock = @lock;
    }

    public string Directory { get; }

    /// <summary>Creates the directory if needed and locks it; one-line <see cref="UsageException"/> when it is a file,
    /// cannot be written, or is held by another node.</summary>
    public static DataDirectoryLock Acquire(string dataDir) =>
        TryAcquire(dataDir, out var held) ?? throw new UsageException(
            $"the data directory {Path.GetFullPath(dataDir)} is in use by another node{(held is null ? "" : $" ({held})")}; give each node its own --data.");

    /// <summary>The lock, or null when another node holds it (<paramref name="holder"/> then says who, if known).</summary>
    public static DataDirectoryLock? TryAcquire(string dataDir, out string? holder)
    {
        holder = null;
        var directory = Usable(dataDir);
        try
        {
            var stream = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(Path.Combine(directory, OwnerFile), $"pid {Environment.ProcessId}");
            return new DataDirectoryLock(directory, stream);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"--data '{dataDir}' cannot be used: {e.Message.TrimEnd('.')}; expected a directory this user can write.");
        }
        catch (IOException) when (File.Exists(Path.Combine(directory, LockFile)))
        {
            holder = ReadOwner(directory);
            return null;
        }
    }

    /// <summary>The full path of <paramref name="dataDir"/>, created if missing; refused in one line when it cannot be a directory.</summary>
    private static string Usable(string dataDir)
    {
        string full;
        try
        {
            full = Path.GetFullPath(dataDir);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--data '{dataDir}' is not a usable path: {e.Message.TrimEnd('.')}.");
        }
        if (File.Exists(full)) throw new UsageException($"--data '{dataDir}' is a file; expected a directory (it is created if missing).");
        try
        {
            System.IO.Directory.CreateDirectory(full);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--data '{dataDir}' cannot be created as a directory: {e.Message.TrimEnd('.')}; expected a writable directory.");
        }
    }

    private static string? ReadOwner(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, OwnerFile)).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _lock.Dispose();
}
