using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.IntegrationTests.Infrastructure;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// Revoked and over-long-lived client certificates through the real front door, with CRLs made by the real
/// <c>openssl ca</c>: refused with a 401 that says why, reloaded without a restart, and bad new files refused with the
/// old ones kept.
/// </summary>
public sealed class RevocationTests
{
    private const string Pods = "/api/v1/namespaces/demo/pods";
    private static readonly TimeSpan Patience = TestWait.OperationTimeout;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Crl_ListsTheCertificate_401SayingRevokedByWhichCrlWhileOthersAreServed(bool der)
    {
        var setup = new CrlSetup(der);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var stayer = gateway.User("stayer");

        var (code, message) = await RequestAsync(gateway, setup.Revoked);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.StartsWith($"the client certificate (serial {setup.Revoked.SerialNumber.TrimStart('0')}) was revoked at ", message, StringComparison.Ordinal);
        Assert.EndsWith($"by the CRL '{setup.CrlPath}' of 'CN=test-cluster-ca'", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code);
        Assert.Contains("apiproxygateway_revocation_refusals_total{otel_scope_name=\"ApiProxyGateway\",source=\"crl\"} 1", await MetricsAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crl_ReloadedWithANewRevocation_TheSameConnectionsNextRequestGets401()
    {
        var setup = new CrlSetup(der: false);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var leaver = gateway.User("leaver");
        using var client = gateway.CreateClient(leaver);
        using (var before = await client.GetAsync(Pods, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        setup.Ca.Revoke(leaver);
        setup.Ca.WriteCrl(setup.CrlPath);

        await TestWait.UntilAsync(async token =>
        {
            using var response = await client.GetAsync(Pods, token);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, "the reloaded CRL refuses the leaver on its open connection", Patience, TestContext.Current.CancellationToken);
        Assert.Contains("was revoked at", (await RequestAsync(gateway, leaver)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crl_ReplacedByGarbageThenByAnotherCasCrl_KeepsTheOldOneAndCountsEachFailure()
    {
        var setup = new CrlSetup(der: false);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var stayer = gateway.User("stayer");
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code); // the first validation loads the CRLs here (the real host loads them at start)
        var failure = $"apiproxygateway_certificate_reloads_total{{otel_scope_name=\"ApiProxyGateway\",plane=\"client-crl:{setup.CrlPath}\",result=\"failure\"}} ";

        // A file is rewritten in steps (truncated, then written), and a reload may read a step between: each refused read
        // counts, so the counts are compared as at least, and each refusal is recognised by what the log says of it.
        await File.WriteAllTextAsync(setup.CrlPath, "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n", TestContext.Current.CancellationToken);
        await TestWait.UntilAsync(async _ => Count(await MetricsAsync(gateway), failure) >= 1, "a failed reload of the garbled CRL is counted", Patience, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, setup.Revoked)).Code);

        new OpensslCa(gateway.Pki.Directory, gateway.Pki.OtherCa).WriteCrl(setup.CrlPath);
        await TestWait.UntilAsync(_ => Task.FromResult(gateway.Logs.GetSnapshot().Any(record => record.Id.Id == EventIds.CertificatesRefused
            && record.Message.Contains("is issued by 'CN=some-other-ca', which is not a CA of the client-CA bundle", StringComparison.Ordinal))),
            "the other CA's CRL is refused", Patience, TestContext.Current.CancellationToken);

        // The exposition may still be a scrape from before the count (the exporter caches one briefly): wait for it.
        await TestWait.UntilAsync(async _ => Count(await MetricsAsync(gateway), failure) >= 2, "each refused CRL is counted", Patience, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, setup.Revoked)).Code);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code);
    }

    /// <summary>The value of the metrics line that starts with <paramref name="series"/> (its name and labels; a timestamp may follow), or 0.</summary>
    private static double Count(string metrics, string series) =>
        metrics.Split('\n').FirstOrDefault(line => line.StartsWith(series, StringComparison.Ordinal)) is { } line
            ? double.Parse(line[series.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [Fact]
    public async Task Crl_SignedWithAnotherKeyUnderTheIssuersName_IsRefusedKeepingTheOldOneAndCounted()
    {
        var setup = new CrlSetup(der: false);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var stayer = gateway.User("stayer");
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code); // the first validation loads the CRLs here (the real host loads them at start)
        var failure = $"apiproxygateway_certificate_reloads_total{{otel_scope_name=\"ApiProxyGateway\",plane=\"client-crl:{setup.CrlPath}\",result=\"failure\"}} ";

        // A forgery: the cluster CA's name, another key. It revokes nothing, so were it taken, the revoked certificate would pass.
        // The file is written in steps, and a reload may read one between (refused, and counted too): the forgery's
        // refusal is recognised by what the log says of it, and the count is at least one.
        using var impostor = TestPki.CreateAuthority("test-cluster-ca");
        new OpensslCa(gateway.Pki.Directory, impostor).WriteCrl(setup.CrlPath);
        await TestWait.UntilAsync(_ => Task.FromResult(gateway.Logs.GetSnapshot().Any(record => record.Id.Id == EventIds.CertificatesRefused
            && record.Message.Contains("names 'CN=test-cluster-ca' as its issuer, but no CA of that name in the client-CA bundle signed it", StringComparison.Ordinal))),
            "the forged CRL is refused", Patience, TestContext.Current.CancellationToken);
        await TestWait.UntilAsync(async _ => Count(await MetricsAsync(gateway), failure) >= 1, "a failed reload of the forged CRL is counted", Patience, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, setup.Revoked)).Code);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code);
    }

    [Fact]
    public async Task Crl_Stale_IsReportedByMetricAndWarningAndStillApplies()
    {
        var setup = new CrlSetup(der: false, stale: true);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var stayer = gateway.User("stayer");

        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, setup.Revoked)).Code);

        var metrics = await MetricsAsync(gateway);
        Assert.Contains($"apiproxygateway_revocation_crl_stale{{otel_scope_name=\"ApiProxyGateway\",file=\"{setup.CrlPath}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"apiproxygateway_revocation_crl_age_seconds{{otel_scope_name=\"ApiProxyGateway\",file=\"{setup.CrlPath}\"}} 1728", metrics, StringComparison.Ordinal); // two days, and some seconds
        var warning = Assert.Single(gateway.Logs.GetSnapshot(), record => record.Id.Id == EventIds.CrlStale);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"Client CRL '{setup.CrlPath}' of 'CN=test-cluster-ca' is stale", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crl_StaleWithFailClosed_RefusesTheIssuersCertificatesSayingTheCrlIsStale()
    {
        var setup = new CrlSetup(der: false, stale: true, failClosed: true);
        await using var gateway = await GatewayUnderTest.StartAsync(setup.Settings);
        using var stayer = gateway.User("stayer");
        using var stranger = TestPki.IssueClient(gateway.Pki.OtherCa, "stranger");

        var (code, message) = await RequestAsync(gateway, stayer);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.StartsWith($"the CRL '{setup.CrlPath}' of the client certificate's issuer 'CN=test-cluster-ca' is stale (its next update was due at ", message, StringComparison.Ordinal);
        Assert.Contains("source=\"crl-stale\"} 1", await MetricsAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denylist_ByThumbprintAndByIssuerAndSerial_401NamingTheLine()
    {
        X509Certificate2 byThumbprint = null!, bySerial = null!;
        string denylist = null!;
        await using var gateway = await GatewayUnderTest.StartAsync((pki, _) =>
        {
            byThumbprint = TestPki.IssueClient(pki.ClusterCa, "lost-laptop");
            bySerial = TestPki.IssueClient(pki.ClusterCa, "leaver");
            denylist = Path.Combine(pki.Directory, "denylist");
            File.WriteAllText(denylist, $"""
                # certificates refused by hand
                sha256:{string.Join(':', Convert.ToHexStringLower(byThumbprint.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(pair => new string(pair)))}

                # as openssl x509 -noout -serial -issuer prints them
                serial={bySerial.SerialNumber} issuer=CN = test-cluster-ca
                """);
            return new Dictionary<string, string?> { ["Revocation:DenylistFile"] = denylist };
        });
        using var stayer = gateway.User("stayer");

        var first = await RequestAsync(gateway, byThumbprint);
        var second = await RequestAsync(gateway, bySerial);

        Assert.Equal((HttpStatusCode.Unauthorized, $"the client certificate is listed in the denylist '{denylist}' at line 2"), first);
        Assert.Equal((HttpStatusCode.Unauthorized, $"the client certificate is listed in the denylist '{denylist}' at line 5"), second);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, stayer)).Code);
        Assert.Contains("source=\"denylist\"} 2", await MetricsAsync(gateway), StringComparison.Ordinal);
        byThumbprint.Dispose();
        bySerial.Dispose();
    }

    [Fact]
    public async Task Denylist_MalformedNewVersion_KeepsTheOldOneUntilAGoodOneArrives()
    {
        X509Certificate2 listed = null!;
        string denylist = null!;
        await using var gateway = await GatewayUnderTest.StartAsync((pki, _) =>
        {
            listed = TestPki.IssueClient(pki.ClusterCa, "listed");
            denylist = Path.Combine(pki.Directory, "denylist");
            File.WriteAllText(denylist, listed.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) + "\n");
            return new Dictionary<string, string?> { ["Revocation:DenylistFile"] = denylist, ["Tls:ReloadInterval"] = "00:00:01" };
        });
        using var later = gateway.User("later");
        const string Failure = "plane=\"client-denylist\",result=\"failure\"} 1";
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, listed)).Code); // the first validation loads the denylist here (the real host loads it at start)

        Replace(denylist, "# the next line is no entry\nserial=zz issuer=CN=test-cluster-ca\n");
        await TestWait.UntilAsync(async _ => (await MetricsAsync(gateway)).Contains(Failure, StringComparison.Ordinal), "a failed denylist reload is counted", Patience, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, listed)).Code);
        Assert.Contains(gateway.Logs.GetSnapshot(), record => record.Id.Id == EventIds.CertificatesRefused
            && record.Message.EndsWith($"denylist '{denylist}': line 2: serial 'zz' is not a hex number", StringComparison.Ordinal));

        Replace(denylist, $"{listed.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}\nserial={later.SerialNumber} issuer=CN=test-cluster-ca\n");
        await TestWait.UntilAsync(async _ => (await RequestAsync(gateway, later)).Code == HttpStatusCode.Unauthorized, "the new denylist refuses its new entry", Patience, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestAsync(gateway, listed)).Code);
        listed.Dispose();
    }

    [Fact]
    public async Task MaxLifetime_LongerLivedCertificate_401SayingBothSpans()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(new Dictionary<string, string?> { ["Authentication:MaxClientCertificateLifetime"] = "2.00:00:00" });
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        using var weekLong = TestPki.IssueClient(gateway.Pki.ClusterCa, "week", notBefore: notBefore, notAfter: notBefore.AddDays(7));
        using var dayLong = TestPki.IssueClient(gateway.Pki.ClusterCa, "day", notBefore: notBefore, notAfter: notBefore.AddDays(1));

        var (code, message) = await RequestAsync(gateway, weekLong);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.StartsWith("the client certificate's lifetime 7.00:00:00 (from ", message, StringComparison.Ordinal);
        Assert.EndsWith(") is longer than the maximum 2.00:00:00", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(gateway, dayLong)).Code);
        Assert.Contains("source=\"lifetime\"} 1", await MetricsAsync(gateway), StringComparison.Ordinal);
    }

    /// <summary>One request on a new connection: the status code, and the Status message of a 401.</summary>
    private static async Task<(HttpStatusCode Code, string? Message)> RequestAsync(GatewayUnderTest gateway, X509Certificate2 user)
    {
        using var client = gateway.CreateClient(user);
        using var response = await client.GetAsync(Pods, TestContext.Current.CancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return (response.StatusCode, null);
        }

        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        return (response.StatusCode, (string?)status["message"]);
    }

    private static async Task<string> MetricsAsync(GatewayUnderTest gateway)
    {
        using var operations = new HttpClient { BaseAddress = gateway.OperationsUrl };
        return await operations.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }

    /// <summary>Replaces a file at once (a rename), so the reloader never reads half of it.</summary>
    private static void Replace(string path, string content)
    {
        File.WriteAllText(path + ".new", content);
        File.Move(path + ".new", path, overwrite: true);
    }

    /// <summary>
    /// A gateway's settings with one CRL file made by openssl from the cluster CA, revoking <see cref="Revoked"/>,
    /// checked for changes every second.
    /// </summary>
    private sealed class CrlSetup(bool der, bool stale = false, bool failClosed = false)
    {
        public OpensslCa Ca { get; private set; } = null!;

        public X509Certificate2 Revoked { get; private set; } = null!;

        public string CrlPath { get; private set; } = null!;

        public Dictionary<string, string?> Settings(TestPki pki, TestApiServer apiServer)
        {
            Ca = new OpensslCa(pki.Directory, pki.ClusterCa);
            Revoked = TestPki.IssueClient(pki.ClusterCa, "revoked");
            Ca.Revoke(Revoked);
            CrlPath = Path.Combine(pki.Directory, der ? "client-crl.der" : "client-crl.pem");
            var now = DateTimeOffset.UtcNow;
            Ca.WriteCrl(CrlPath, der, lastUpdate: stale ? now.AddDays(-2) : null, nextUpdate: stale ? now.AddDays(-1) : null);
            return new Dictionary<string, string?>
            {
                ["Revocation:CrlFiles:0"] = CrlPath,
                ["Revocation:FailClosedOnStaleCrl"] = failClosed ? "true" : "false",
                ["Tls:ReloadInterval"] = "00:00:01",
            };
        }
    }
}
