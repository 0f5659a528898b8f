using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Konnectivity;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The sandbox in egress mode: nothing in the host's network reaches a kubelet or a pod; konnectivity-server does,
/// through the node's agent, and so does the simulated API server (as kube-apiserver with an egress selector); the
/// gateway is given kube-apiserver's egress selector file.
/// </summary>
public sealed class SandboxEgressTests(EgressSandboxFixture fixture) : IClassFixture<EgressSandboxFixture>
{
    [Fact]
    public async Task Kubelet_FromTheHostsNetwork_IsUnreachable()
    {
        fixture.SkipUnlessAvailable();
        var kubelet = fixture.Host.KubeletUrl("node-a");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Parse(kubelet.Host), kubelet.Port, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Pod_FromTheHostsNetwork_IsUnreachableButAnswersThroughKonnectivity()
    {
        fixture.SkipUnlessAvailable();
        var web = fixture.Host.Store.Typed.Get<V1Pod>("demo", "web")!;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Parse(web.Status.PodIP), 8080, TestContext.Current.CancellationToken).AsTask());
        using var client = new HttpClient(Through(fixture.Konnectivity.SocketPath, clientCertificate: null, trust: null));
        var page = await client.GetStringAsync(new Uri($"http://{web.Status.PodIP}:8080/"), TestContext.Current.CancellationToken);

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Contains("\"pod\":\"web\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubelet_ThroughKonnectivity_ServesItsVerifiedApi()
    {
        fixture.SkipUnlessAvailable();
        using var identity = X509Certificate2.CreateFromPemFile(fixture.Host.Pki.ApiServerKubeletClientCertificate, fixture.Host.Pki.ApiServerKubeletClientKey);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(fixture.Host.Pki.KubeletServingCaCertificate, TestContext.Current.CancellationToken));
        using var client = new HttpClient(Through(fixture.Konnectivity.SocketPath, identity, ca)) { BaseAddress = fixture.Host.KubeletUrl("node-b") };

        using var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ApiServer_PodLogs_GoThroughTheNodesAgent()
    {
        fixture.SkipUnlessAvailable();
        using var client = fixture.Host.CreateApiServerClient("admin");

        using var served = await client.GetAsync("/api/v1/namespaces/demo/pods/logger/log?tailLines=1", TestContext.Current.CancellationToken);
        string refused;
        await fixture.Konnectivity.StopAgentAsync("node-b", cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            using var response = await client.GetAsync("/api/v1/namespaces/demo/pods/logger/log?tailLines=1", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            refused = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await fixture.Konnectivity.StartAgentAsync("node-b", cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains($"proxy error from {fixture.Konnectivity.SocketPath} while dialing {fixture.Host.KubeletUrl("node-b").Authority}, code 500: 500 Internal Server Error", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EgressSelectorFile_IsKubeApiserversFormat_AndTheGatewayIsGivenIt()
    {
        fixture.SkipUnlessAvailable();
        var pki = fixture.Host.Pki;

        var text = await File.ReadAllTextAsync(fixture.Host.EgressSelectorConfigPath, TestContext.Current.CancellationToken);

        Assert.Equal($"""
            apiVersion: apiserver.k8s.io/v1beta1
            kind: EgressSelectorConfiguration
            egressSelections:
            - name: cluster
              connection:
                proxyProtocol: HTTPConnect
                transport:
                  tcp:
                    url: "https://{fixture.Host.AddressPlan.KonnectivityServerEndPoint}"
                    tlsConfig:
                      caBundle: "{pki.KonnectivityCaCertificate}"
                      clientCert: "{pki.GatewayKonnectivityClientCertificate}"
                      clientKey: "{pki.GatewayKonnectivityClientKey}"

            """, text);
        Assert.Equal(["--egress-selector-config-file", fixture.Host.EgressSelectorConfigPath], fixture.Host.GatewayArguments.SkipWhile(a => a != "--egress-selector-config-file").Take(2));
        Assert.True(File.Exists(pki.GatewayKonnectivityClientKey));
    }

    /// <summary>A handler whose every connection is a CONNECT tunnel through konnectivity-server's socket.</summary>
    private static SocketsHttpHandler Through(string socketPath, X509Certificate2? clientCertificate, X509Certificate2? trust) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
            await HttpConnectClient.ConnectAsync(socketPath, $"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}", cancellationToken),
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            CertificateChainPolicy = trust is null ? null : new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { trust },
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        },
    };
}
