using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.IntegrationTests.Infrastructure;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>Only a SubjectAccessReview that says <c>allowed: true</c> (and not denied) allows anything.</summary>
public sealed class AccessReviewTests : IAsyncLifetime
{
    private GatewayUnderTest _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await GatewayUnderTest.StartAsync(new Dictionary<string, string?>
    {
        ["Authorization:AllowedCacheTtl"] = "00:00:00",
        ["Authorization:DeniedCacheTtl"] = "00:00:00",
    });

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("""{"allowed": false, "evaluationError": "webhook authorizer unreachable"}""", "evaluation error: webhook authorizer unreachable")]
    [InlineData("""{"allowed": false, "denied": false, "reason": "conditions apply", "conditionalDecision": {"type": "ConditionsMap", "conditionsMap": {"allowConditions": [{"id": "c1", "condition": "object.metadata.name == 'x'"}]}}}""", "conditions apply")]
    [InlineData("""{"allowed": true, "denied": true, "reason": "both"}""", "both")]
    [InlineData("""{"allowed": "yes"}""", null)]
    [InlineData("""{}""", "")]
    public async Task Impersonation_ReviewThatIsNotAPlainAllow_IsDenied(string statusJson, string? reason)
    {
        _gateway.ApiServer.ReviewStatus = _ => JsonNode.Parse(statusJson)!.AsObject();
        using var developer = _gateway.User("developer");
        using var client = _gateway.CreateClient(developer, HttpVersion.Version11);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/demo/pods");
        request.Headers.TryAddWithoutValidation("Impersonate-User", "admin");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_gateway.ApiServer.Forwarded);
        if (reason is not null)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.EndsWith(reason, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["message"], StringComparison.Ordinal);
        }
    }
}
