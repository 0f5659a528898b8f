using System.Net;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Serving_ValidFiles_Pass()
    {
        var serving = _pki.Write(TestPki.IssueServer(_pki.ClusterCa, "gw", [IPAddress.Loopback]), "gw");
        var options = new ServingOptions { TlsCertFile = serving.Certificate, TlsPrivateKeyFile = serving.Key, ClientCaFile = _pki.Write(_pki.ClusterCa, "ca").Certificate };

        Assert.True(new ServingOptionsValidator(_time).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Serving_EveryProblemAtOnce_IsReportedWithItsSettingAndFlag()
    {
        var options = new ServingOptions
        {
            BindAddress = "not-an-ip",
            TlsCertFile = Path.Combine(_pki.Directory, "missing.crt"),
            TlsPrivateKeyFile = Path.Combine(_pki.Directory, "missing.key"),
            ClientCaFile = "",
        };

        var failures = new ServingOptionsValidator(_time).Validate(null, options).Failures!.ToArray();

        Assert.Contains(failures, f => f.StartsWith("Serving:BindAddress (--bind-address): 'not-an-ip'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Serving:TlsCertFile (--tls-cert-file): file '", StringComparison.Ordinal) && f.EndsWith("missing.crt' does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Serving:ClientCaFile (--client-ca-file): required", StringComparison.Ordinal));
        Assert.Equal(3, failures.Length);
    }

    [Fact]
    public void Serving_KeyOfAnotherCertificate_IsReportedAsAKeyProblem()
    {
        var serving = _pki.Write(TestPki.IssueServer(_pki.ClusterCa, "gw", [IPAddress.Loopback]), "gw");
        var other = _pki.Write(TestPki.IssueServer(_pki.ClusterCa, "other", [IPAddress.Loopback]), "other");
        var options = new ServingOptions { TlsCertFile = serving.Certificate, TlsPrivateKeyFile = other.Key, ClientCaFile = _pki.Write(_pki.ClusterCa, "ca").Certificate };

        var failure = Assert.Single(new ServingOptionsValidator(_time).Validate(null, options).Failures!);

        Assert.StartsWith("Serving:TlsPrivateKeyFile (--tls-private-key-file):", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Serving_ExpiredCertificate_IsReported()
    {
        var serving = _pki.Write(TestPki.IssueServer(_pki.ClusterCa, "gw", [IPAddress.Loopback], notAfter: DateTimeOffset.UtcNow.AddDays(1)), "gw");
        var options = new ServingOptions { TlsCertFile = serving.Certificate, TlsPrivateKeyFile = serving.Key, ClientCaFile = _pki.Write(_pki.ClusterCa, "ca").Certificate };
        _time.Advance(TimeSpan.FromDays(2));

        var failures = new ServingOptionsValidator(_time).Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.Contains("the serving certificate 'CN=gw' expired at", StringComparison.Ordinal));
    }

    [Fact]
    public void Serving_NotAPemFile_IsReported()
    {
        var garbage = Path.Combine(_pki.Directory, "garbage.crt");
        File.WriteAllText(garbage, "hello");
        var options = new ServingOptions { TlsCertFile = garbage, TlsPrivateKeyFile = garbage, ClientCaFile = garbage };

        var failures = new ServingOptionsValidator(_time).Validate(null, options).Failures!.ToArray();

        Assert.Contains(failures, f => f.Contains("contains no PEM certificate", StringComparison.Ordinal) && f.StartsWith("Serving:TlsCertFile", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("contains no PEM certificate", StringComparison.Ordinal) && f.StartsWith("Serving:ClientCaFile", StringComparison.Ordinal));
    }

    [Fact]
    public void ApiServer_KubeconfigWithoutCaOrWithInsecureSkip_IsRefused()
    {
        var kubeconfig = Path.Combine(_pki.Directory, "kubeconfig");
        new KubeconfigBuilder().InsecureCluster("c", new Uri("https://127.0.0.1:6443")).TokenUser("u", "abc").Context("x", "c", "u").WriteTo(kubeconfig);

        var failures = new ApiServerOptionsValidator().Validate(null, new ApiServerOptions { Kubeconfig = kubeconfig }).Failures!.ToArray();

        Assert.Contains(failures, f => f.StartsWith("ApiServer:Kubeconfig (--kubeconfig):", StringComparison.Ordinal) && f.Contains("insecure-skip-tls-verify", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("has no certificate-authority", StringComparison.Ordinal));
    }

    [Fact]
    public void ApiServer_MissingKubeconfig_IsReported()
    {
        var failure = Assert.Single(new ApiServerOptionsValidator().Validate(null, new ApiServerOptions { Kubeconfig = "/nonexistent/kubeconfig" }).Failures!);

        Assert.Equal("ApiServer:Kubeconfig (--kubeconfig): file '/nonexistent/kubeconfig' does not exist", failure);
    }

    public void Dispose() => _pki.Dispose();
}
