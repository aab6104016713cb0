using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace RainStorm.Actors.Hosting;

/// <summary>
/// Mutual TLS for remoting (Akka's dot-netty SSL): the node presents its own certificate and requires one from every
/// peer, in both directions; a peer is accepted only when its certificate chains to the cluster CA given in
/// <see cref="RainStormOptions.TlsCa"/> (not the machine's trust store). Host names are not compared with the
/// certificate (nodes are reached by IP and carry per-node certificates), and revocation is not checked.
/// </summary>
public static class RemoteTls
{
    public static SslOptions Create(RainStormOptions options)
    {
        if (options.TlsCertificate is not { Length: > 0 } certificatePath || options.TlsCa is not { Length: > 0 } caPath)
            throw new RemoteTlsException("mutual TLS needs both --tls-cert (this node's certificate and key, PKCS#12) and --tls-ca (the cluster CA certificate, PEM).");
        var certificate = LoadNodeCertificate(certificatePath, options.TlsPassword);
        var ca = LoadCa(caPath);
        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = SignedBy(ca),
        };
    }

    /// <summary>Accepts a peer certificate only when it chains to <paramref name="ca"/> and is within its validity dates.</summary>
    public static CertificateValidationCallback SignedBy(X509Certificate2 ca) => (peer, _, remote, _, log) =>
    {
        if (peer is null)
        {
            log.Warning("TLS: refused {0}: it presented no certificate", remote);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(peer)) return true;
        var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        log.Warning("TLS: refused {0}: its certificate '{1}' is not signed by the cluster CA '{2}' ({3})", remote, peer.Subject, ca.Subject, reasons);
        return false;
    };

    private static X509Certificate2 LoadNodeCertificate(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey ? certificate
                : throw new RemoteTlsException($"--tls-cert '{path}' holds no private key (export it with 'openssl pkcs12 -export -inkey ...').");
        }
        catch (CryptographicException e)
        {
            throw new RemoteTlsException($"--tls-cert '{path}' cannot be read as a PKCS#12 certificate with the given password (RAINSTORM_TLSPASSWORD): {e.Message.TrimEnd('.')}.");
        }
        catch (IOException e)
        {
            throw new RemoteTlsException($"--tls-cert '{path}' cannot be read: {e.Message}");
        }
    }

    private static X509Certificate2 LoadCa(string path)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new RemoteTlsException($"--tls-ca '{path}' is not a PEM certificate: {e.Message.TrimEnd('.')}.");
        }
        catch (IOException e)
        {
            throw new RemoteTlsException($"--tls-ca '{path}' cannot be read: {e.Message}");
        }
    }
}

/// <summary>The TLS settings cannot be used; the message is one sentence for the operator.</summary>
public sealed class RemoteTlsException(string message) : Exception(message);
