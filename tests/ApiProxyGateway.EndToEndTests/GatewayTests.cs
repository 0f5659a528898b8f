using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>The real kubectl through the gateway contexts of the sandbox.</summary>
public sealed class GatewayTests(SandboxFixture fixture)
{
    [Fact]
    public async Task GetPods_ThroughTheGateway_PrintsTheServerTable()
    {
        var result = await fixture.KubectlAsync("--context", "developer", "get", "pods", "-n", "demo");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", result.StandardOutput);
        Assert.Matches(@"(?m)^web\s+1/1\s+Running", result.StandardOutput);
    }

    [Fact]
    public async Task Whoami_ThroughTheGateway_IsTheCertificateUserWithItsCredentialId()
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(fixture.Host.Pki.UsersDirectory, "developer.crt"));
        using var certificate = certificates[0];
        var credential = "X509SHA256=" + Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

        var result = await fixture.KubectlAsync("--context", "developer", "auth", "whoami");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Matches(@"Username\s+developer", result.StandardOutput);
        Assert.Matches(@"Groups\s+\[developers system:authenticated\]", result.StandardOutput);
        Assert.Contains(credential, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_AdminImpersonatingViewer_ThroughTheGateway_ActsAsViewer()
    {
        var allowed = await fixture.KubectlAsync("--context", "admin", "--as", "viewer", "get", "pods", "-n", "demo");
        var denied = await fixture.KubectlAsync("--context", "admin", "--as", "viewer", "get", "pods", "-n", "kube-system");

        Assert.True(allowed.Succeeded, allowed.ToString());
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("Error from server (Forbidden): pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"", denied.StandardError, StringComparison.Ordinal);
        Assert.Contains(fixture.Host.RequestLog.Entries, e => e.AuthenticatedUser?.Name == "apiproxygateway" && e.EffectiveUser?.Name == "viewer"
            && e.HeaderValues("Impersonate-User").SequenceEqual(["viewer"]) && e.HeaderValues("Impersonate-Group").SequenceEqual(["system:authenticated"]));
    }

    [Fact]
    public async Task As_DeveloperImpersonatingAdmin_ThroughTheGateway_IsForbiddenLikeKubeApiserver()
    {
        var result = await fixture.KubectlAsync("--context", "developer", "--as", "admin", "get", "pods", "-n", "demo");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "Error from server (Forbidden): users \"admin\" is forbidden: User \"developer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            result.StandardError.Trim());
    }

    [Fact]
    public async Task Request_ThroughTheGateway_ReachesTheApiServerAsTheCallerWithNoClientIdentityHeaders()
    {
        var result = await fixture.KubectlAsync("--context", "viewer", "get", "pods", "-n", "demo", "-l", "app=web");

        Assert.True(result.Succeeded, result.ToString());
        var entry = fixture.Host.RequestLog.Entries.Last(e => e.PathAndQuery.StartsWith("/api/v1/namespaces/demo/pods?", StringComparison.Ordinal)
            && e.PathAndQuery.Contains("labelSelector=app", StringComparison.Ordinal));
        Assert.Equal("apiproxygateway", entry.AuthenticatedUser?.Name);
        Assert.Equal("viewer", entry.EffectiveUser?.Name);
        Assert.Equal(["viewers"], entry.HeaderValues("Impersonate-Group")); // the API server adds system:authenticated itself
        Assert.Equal(["viewers", "system:authenticated"], entry.EffectiveUser?.Groups);
        Assert.Equal("HTTP/2", entry.Protocol); // one impersonated group: HTTP/2, as kubectl speaks to the API server
        Assert.Empty(entry.HeaderValues("Authorization"));
    }

    [Fact]
    public async Task GetWatch_ThroughTheGateway_SurvivesAQuietPeriodLongerThanTheActivityTimeout()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var ns = "gwatch-" + Guid.NewGuid().ToString("N")[..6];
        fixture.Host.Store.Typed.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await using var watch = Kubectl.Default.Start(fixture.Environment, ["--context", "admin", "get", "configmaps", "-n", ns, "--watch"]);
        fixture.Host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "first", NamespaceProperty = ns } });
        await watch.WaitForLineAsync(l => l.StartsWith("first ", StringComparison.Ordinal), TimeSpan.FromSeconds(20), cancellation);

        var quiet = SandboxFixture.GeneralActivityTimeout * 2;
        Assert.True(await watch.StaysRunningForAsync(quiet, cancellation), watch.ToString());

        fixture.Host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "second", NamespaceProperty = ns } });
        await watch.WaitForLineAsync(l => l.StartsWith("second ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellation);
    }

    [Theory]
    [InlineData("no-certificate")]
    [InlineData("other-ca")]
    [InlineData("expired")]
    [InlineData("server-auth-only")]
    public async Task BadClientCertificate_KubectlSaysYouMustBeLoggedIn(string kind)
    {
        using var clusterCa = X509Certificate2.CreateFromPemFile(fixture.Host.Pki.ClusterCaCertificate, fixture.Host.Pki.ClusterCaKey);
        using var otherCa = TestPki.CreateAuthority("someone-else");
        X509Certificate2? certificate = kind switch
        {
            "other-ca" => TestPki.IssueClient(otherCa, "admin", ["system:masters"]),
            "expired" => TestPki.IssueClient(clusterCa, "admin", ["system:masters"], notBefore: DateTimeOffset.UtcNow.AddMinutes(-50), notAfter: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "server-auth-only" => TestPki.IssueClient(clusterCa, "admin", ["system:masters"], usage: new Oid("1.3.6.1.5.5.7.3.1")),
            _ => null,
        };
        var kubeconfig = Path.Combine(Path.GetDirectoryName(fixture.Environment.KubeconfigPath)!, $"bad-{kind}-{Guid.NewGuid():N}.kubeconfig");
        var builder = new KubeconfigBuilder().Cluster("gateway", fixture.Host.GatewayUrl, clusterCa);
        (certificate is null ? builder.UserWithoutCredentials("bad", "nobody") : builder.User("bad", certificate)).Context("bad", "gateway", "bad").WriteTo(kubeconfig);

        var result = await Kubectl.Default.RunAsync(fixture.Environment with { KubeconfigPath = kubeconfig }, ["get", "pods", "-n", "demo"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: You must be logged in to the server (Unauthorized)", result.StandardError, StringComparison.Ordinal);
        certificate?.Dispose();
    }
}
