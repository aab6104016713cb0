namespace RainStorm.Node.Tests.Support;

/// <summary>A cluster CA and node certificates made with openssl at test time, the way docs/reliability.md tells an
/// operator to make them (nothing secret is checked in).</summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "test-pass";

    private TestCertificates(string dir) => Directory = dir;

    public string Directory { get; }

    public static TestCertificates Create() => new(System.IO.Directory.CreateTempSubdirectory("rainstorm-tls-").FullName);

    /// <summary>A self-signed CA; returns the path of its PEM certificate (its key stays next to it).</summary>
    public string Ca(string name)
    {
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={name}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", Path(name, "key"), "-out", Path(name, "pem"));
        return Path(name, "pem");
    }

    /// <summary>A node certificate signed by <paramref name="ca"/>, with its key, as a PKCS#12 file protected by <see cref="Password"/>.</summary>
    public string Node(string name, string ca)
    {
        var caName = System.IO.Path.GetFileNameWithoutExtension(ca);
        File.WriteAllText(Path(name, "ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
                                             "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1\n");
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-subj", $"/CN={name}", "-keyout", Path(name, "key"), "-out", Path(name, "csr"));
        OpenSsl("x509", "-req", "-in", Path(name, "csr"), "-CA", ca, "-CAkey", Path(caName, "key"), "-CAcreateserial", "-days", "2",
            "-extfile", Path(name, "ext"), "-out", Path(name, "crt"));
        OpenSsl("pkcs12", "-export", "-in", Path(name, "crt"), "-inkey", Path(name, "key"), "-out", Path(name, "p12"), "-passout", $"pass:{Password}");
        return Path(name, "p12");
    }

    private string Path(string name, string extension) => System.IO.Path.Combine(Directory, $"{name}.{extension}");

    private void OpenSsl(params string[] args)
    {
        RunResult result;
        try
        {
            result = ProcessRun.Run(TimeSpan.FromSeconds(60), "openssl", args, Directory);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("the TLS tests make their certificates with openssl, which is not installed here.");
        }
        if (result.Exit != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {result.Err}");
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
