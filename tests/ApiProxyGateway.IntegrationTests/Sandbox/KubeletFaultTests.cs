using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>Every kubelet fault a scenario can set, seen the way a verifying client sees it: at the TLS and TCP level.</summary>
public sealed class KubeletFaultTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Theory]
    [InlineData("legacy", SslPolicyErrors.None, null)]
    [InlineData("self-signed", SslPolicyErrors.RemoteCertificateChainErrors, X509ChainStatusFlags.UntrustedRoot)]
    [InlineData("expired", SslPolicyErrors.RemoteCertificateChainErrors, X509ChainStatusFlags.NotTimeValid)]
    [InlineData("unknown-ca", SslPolicyErrors.RemoteCertificateChainErrors, X509ChainStatusFlags.PartialChain)]
    [InlineData("wrong-san", SslPolicyErrors.RemoteCertificateNameMismatch, null)]
    public async Task Handshake_ServingCertificateFault_IsWhatAVerifyingClientSees(string node, SslPolicyErrors errors, X509ChainStatusFlags? chainStatus)
    {
        var seen = await HandshakeAsync(node);

        Assert.Equal(errors, seen.Errors);
        if (chainStatus is { } status)
        {
            Assert.Contains(seen.ChainStatus, s => s.HasFlag(status));
        }
    }

    [Fact]
    public async Task Handshake_WrongCommonName_VerifiesButNamesAnotherNode()
    {
        var seen = await HandshakeAsync("wrong-cn");

        Assert.Equal(SslPolicyErrors.None, seen.Errors);
        Assert.Equal("O=system:nodes, CN=system:node:wrong-cn-impostor", seen.Subject);
    }

    [Fact]
    public async Task Handshake_HealthyNode_PresentsACsrStyleCertificateWrittenToThePkiDirectory()
    {
        var seen = await HandshakeAsync("legacy");
        using var onDisk = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(fixture.Host.Pki.NodeCertificate("legacy"), TestContext.Current.CancellationToken));

        Assert.Equal("O=system:nodes, CN=system:node:legacy", seen.Subject);
        Assert.Equal(onDisk.Thumbprint, seen.Thumbprint);
        Assert.True(File.Exists(fixture.Host.Pki.NodeKey("legacy")));
    }

    [Fact]
    public async Task Connect_NodeNotListening_IsRefused()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var url = fixture.Host.KubeletUrl("down");

        var error = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Parse(url.Host), url.Port, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task Request_SlowNode_AnswersOnlyAfterTheDelay()
    {
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("slow", identity);
        var clock = Stopwatch.StartNew();

        using var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1400), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Handshake_SlowHandshakeNode_CompletesOnlyAfterTheDelay()
    {
        var clock = Stopwatch.StartNew();

        var seen = await HandshakeAsync("slow-handshake");

        Assert.Equal(SslPolicyErrors.None, seen.Errors);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1400), $"handshake took {clock.Elapsed}");
    }

    [Fact]
    public void NodeStatus_HostnameFirst_ListsHostnameBeforeInternalIp()
    {
        var node = fixture.Host.Store.Typed.Get<V1Node>(null, "hostname-first")!;

        Assert.Equal(["Hostname", "InternalIP"], node.Status.Addresses.Select(a => a.Type));
        Assert.Equal(fixture.Host.KubeletUrl("hostname-first").Host, node.Status.Addresses[1].Address);
        Assert.Equal(10250, node.Status.DaemonEndpoints.KubeletEndpoint.Port);
    }

    private async Task<(SslPolicyErrors Errors, X509ChainStatusFlags[] ChainStatus, string Subject, string Thumbprint)> HandshakeAsync(string node)
    {
        var url = fixture.Host.KubeletUrl(node);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Parse(url.Host), url.Port, TestContext.Current.CancellationToken);
        var errors = SslPolicyErrors.None;
        X509ChainStatusFlags[] chainStatus = [];
        var subject = "";
        var thumbprint = "";
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = url.Host,
                    CertificateChainPolicy = fixture.ChainPolicy(),
                    RemoteCertificateValidationCallback = (_, certificate, chain, sslErrors) =>
                    {
                        // Record what verification found; the handshake succeeds only when it found nothing.
                        errors = sslErrors;
                        chainStatus = [.. chain?.ChainStatus.Select(s => s.Status) ?? []];
                        subject = certificate?.Subject ?? "";
                        thumbprint = certificate is X509Certificate2 c ? c.Thumbprint : "";
                        return sslErrors == SslPolicyErrors.None;
                    },
                },
                TestContext.Current.CancellationToken);
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            Assert.NotEqual(SslPolicyErrors.None, errors);
        }

        return (errors, chainStatus, subject, thumbprint);
    }
}
