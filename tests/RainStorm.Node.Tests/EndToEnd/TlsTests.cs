using Akka.Cluster;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Runtime;
using RainStorm.Node.Tests.Support;

namespace RainStorm.Node.Tests.EndToEnd;

/// <summary>Mutual TLS for remoting: nodes holding certificates of the cluster CA form a cluster; a node whose
/// certificate another CA signed, or one speaking plain TCP, is refused and never becomes a member.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Nodes_with_certificates_of_the_cluster_CA_form_a_cluster_over_mutual_TLS_and_a_node_without_one_is_refused()
    {
        using var certificates = TestCertificates.Create();
        var ca = certificates.Ca("cluster-ca");
        var otherCa = certificates.Ca("other-ca");
        var root = Directory.CreateTempSubdirectory("rainstorm-tls-nodes-").FullName;
        try
        {
            var seedOptions = WithTls(TestNode.NewOptions(root, seed: null), certificates.Node("node-a", ca), ca);
            await using var a = await TestNode.StartAsync(seedOptions);
            await using var b = await TestNode.StartAsync(WithTls(TestNode.NewOptions(root, seedOptions.SelfAddress), certificates.Node("node-b", ca), ca));
            await a.WaitForUpMembersAsync(2);
            await b.WaitForUpMembersAsync(2);
            Assert.Equal("akka.ssl.tcp", Cluster.Get(a.System).SelfAddress.Protocol);
            var members = await ClientRun.RunAsync(b.CmdEndpoint, "cluster", "show");
            Assert.Equal((0, "2 members"), (members.Exit, members.OutLines[^1]));

            // An intruder that trusts the cluster's CA but holds a certificate signed by another: node a refuses it.
            var intruderOptions = WithTls(TestNode.NewOptions(root, seedOptions.SelfAddress), certificates.Node("intruder", otherCa), ca);
            await using var intruder = await TestNode.StartAsync(intruderOptions);
            var log = RuntimeHostingExtensions.LogFile(seedOptions);
            await Poll.AssertAsync(() => Assert.Contains(
                "its certificate 'CN=intruder' is not signed by the cluster CA 'CN=cluster-ca'", ReadShared(log)), TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(Cluster.Get(a.System).State.Members, m => NodeName.Of(m.Address) == intruderOptions.SelfAddress);
            Assert.Empty(Cluster.Get(intruder.System).State.Members);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_certificate_that_cannot_be_read_is_one_sentence_at_start()
    {
        using var certificates = TestCertificates.Create();
        var ca = certificates.Ca("cluster-ca");
        var root = Directory.CreateTempSubdirectory("rainstorm-tls-nodes-").FullName;
        try
        {
            var options = WithTls(TestNode.NewOptions(root, seed: null), certificates.Node("node-a", ca), ca);
            options.TlsPassword = "not-the-password";
            var wrongPassword = Assert.Throws<UsageException>(() => NodeHost.Build(options));
            Assert.StartsWith($"--tls-cert '{options.TlsCertificate}' cannot be read as a PKCS#12 certificate with the given password", wrongPassword.Message);

            options.TlsPassword = TestCertificates.Password;
            options.TlsCa = null;
            Assert.Equal("mutual TLS needs both --tls-cert (this node's certificate and key, PKCS#12) and --tls-ca (the cluster CA certificate, PEM).",
                Assert.Throws<UsageException>(() => NodeHost.Build(options)).Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static RainStormOptions WithTls(RainStormOptions options, string certificate, string ca)
    {
        options.TlsCertificate = certificate;
        options.TlsPassword = TestCertificates.Password;
        options.TlsCa = ca;
        return options;
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
