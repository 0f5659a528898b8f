using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>
/// The gateway acts as exactly the user the API server would see, or refuses (findings 2, 3 and 7): certificate
/// subjects are read as Go reads them, identities that cannot travel in a header unchanged get 401, and a refused
/// impersonation is audited.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class IdentityTests(SecuritySandboxFixture fixture)
{
    [Theory]
    [InlineData("crlf-group", "organization 1 of the client certificate's subject contains the control character U+000D")]
    [InlineData("lf-group", "organization 1 of the client certificate's subject contains the control character U+000A")]
    [InlineData("crlf-name", "the client certificate's common name contains the control character U+000D")]
    [InlineData("spaced-name", "the client certificate's common name begins or ends with a space")]
    public async Task Certificate_IdentityThatCannotTravelInAHeader_Gets401SayingWhyAndNeverReachesTheApiServer(string user, string reason)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var (status, body, response) = await fixture.SendAsync(user, HttpMethod.Get, "/api/v1/namespaces/kube-system/pods", deadline);
        response.Dispose();
        var whoAmI = await fixture.WhoAmIAsync(user, direct: false, deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var statusBody = JsonNode.Parse(body)!;
        Assert.Equal(("Status", "Unauthorized", 401), ((string?)statusBody["kind"], (string?)statusBody["reason"], (int?)statusBody["code"]));
        Assert.StartsWith(reason, (string?)statusBody["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, whoAmI.Status);
        Assert.DoesNotContain(fixture.Sandbox.Host.RequestLog.Entries, e => e.HeaderValues("Impersonate-Group").Any(g => g.Contains("system:masters", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Certificate_WithCrLfInOrganization_IsOneOddGroupAtTheApiServer()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var direct = await fixture.WhoAmIAsync("crlf-group", direct: true, deadline);

        Assert.Equal("crlf-group", direct.Name);
        Assert.Equal(["tenants\r\nImpersonate-Group: system:masters", "system:authenticated"], direct.Groups);
    }

    [Theory]
    [InlineData("two-names", "viewer", new[] { "system:authenticated" })]
    [InlineData("multi-valued", "viewer", new[] { "team", "multi", "system:authenticated" })]
    public async Task Certificate_WithSeveralNamesOrAMultiValuedRdn_IsTheSameUserThroughTheGatewayAsDirect(string user, string name, string[] groups)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var direct = await fixture.WhoAmIAsync(user, direct: true, deadline);
        var gateway = await fixture.WhoAmIAsync(user, direct: false, deadline);

        Assert.Equal((HttpStatusCode.Created, name), (direct.Status, direct.Name));
        Assert.Equal(groups, direct.Groups);
        Assert.Equal((HttpStatusCode.Created, name), (gateway.Status, gateway.Name));
        Assert.Equal(groups, gateway.Groups);
    }

    /// <summary>
    /// Red-team finding: kube-apiserver's AuthenticatedGroupAdder (k8s.io/apiserver/pkg/authentication/group) adds
    /// system:authenticated only when the user is not system:anonymous and neither system:authenticated nor
    /// system:unauthenticated is among the groups; the gateway added it to every certificate user, and the API server
    /// takes an impersonated group as given.
    /// </summary>
    [Fact]
    public async Task Certificate_InSystemUnauthenticated_IsNotMadeSystemAuthenticatedByTheGateway()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = "limit=" + Random.Shared.Next(1, 1_000_000);

        (await fixture.SendAsync("unauthenticated-group", HttpMethod.Get, "/api/v1/namespaces/sec/pods?" + marker, deadline)).Response.Dispose();
        (await fixture.SendAsync("unauthenticated-group", HttpMethod.Get, "/api/v1/namespaces/sec/pods?direct&" + marker, deadline, direct: true)).Response.Dispose();

        var forwarded = Assert.Single(fixture.Sandbox.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/sec/pods?" + marker);
        var direct = Assert.Single(fixture.Sandbox.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/sec/pods?direct&" + marker);
        Assert.Equal(["unauthenticated-group"], forwarded.HeaderValues("Impersonate-User"));
        Assert.Equal(["system:unauthenticated"], forwarded.HeaderValues("Impersonate-Group"));
        Assert.Equal(["system:unauthenticated"], direct.AuthenticatedUser!.Groups);
        Assert.Equal(direct.AuthenticatedUser.Groups, forwarded.EffectiveUser!.Groups);
    }

    /// <summary>
    /// kube-apiserver gives a certificate for system:anonymous no group at all, which impersonation cannot express
    /// (it adds system:unauthenticated): the gateway refuses rather than act as a different anonymous.
    /// </summary>
    [Fact]
    public async Task Certificate_ForSystemAnonymous_Gets401AndNothingIsForwarded()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = "limit=" + Random.Shared.Next(1, 1_000_000);

        var (status, body, response) = await fixture.SendAsync("anonymous-cn", HttpMethod.Get, "/api/v1/namespaces/sec/pods?" + marker, deadline);
        response.Dispose();
        (await fixture.SendAsync("anonymous-cn", HttpMethod.Get, "/api/v1/namespaces/sec/pods?direct&" + marker, deadline, direct: true)).Response.Dispose();

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("system:anonymous, which the gateway cannot act as", body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Sandbox.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/sec/pods?" + marker);
        var direct = Assert.Single(fixture.Sandbox.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/sec/pods?direct&" + marker);
        Assert.Equal("system:anonymous", direct.AuthenticatedUser!.Name);
        Assert.Empty(direct.AuthenticatedUser.Groups);
    }

    [Fact]
    public async Task Impersonation_RefusedByTheGateway_IsAudited()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = "limit=" + Random.Shared.Next(1, 1_000_000);

        var (status, _, response) = await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods?" + marker, deadline,
            configure: r => r.Headers.TryAddWithoutValidation("Impersonate-User", "admin"));
        response.Dispose();
        var events = await fixture.Sandbox.AuditEventsUntilAsync(e => ((string?)e["requestURI"])?.EndsWith(marker, StringComparison.Ordinal) == true, found => found.Count > 0, deadline);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var audit = Assert.Single(events);
        Assert.Equal("developer", (string?)audit["user"]!["username"]);
        Assert.Equal(403, (int?)audit["responseStatus"]!["code"]);
        Assert.Equal("list", (string?)audit["verb"]);
        Assert.Equal("forbid", (string?)audit["annotations"]!["authorization.k8s.io/decision"]);
        Assert.Contains("impersonate", (string?)audit["responseStatus"]!["message"], StringComparison.Ordinal);
    }
}
