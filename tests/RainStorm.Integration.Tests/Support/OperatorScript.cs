namespace RainStorm.Integration.Tests.Support;

/// <summary>Writes a user operator: an executable shell script in an operator directory.</summary>
public static class OperatorScript
{
    public static void Write(string operatorDir, string name, string body)
    {
        var path = Path.Combine(operatorDir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
