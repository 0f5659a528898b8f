using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.IntegrationTests.Gateway;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>
/// The security suite's cluster (<c>security-scenario.yaml</c>: odd-subject users, a nodes/proxy reader, a hostile
/// workload) behind the real gateway process, everything over real TLS; decisions are never cached, so every
/// request is authorized afresh.
/// </summary>
public sealed class SecuritySandboxFixture : IAsyncLifetime
{
    public ProductionSandbox Sandbox { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Sandbox = await ProductionSandbox.StartAsync(
            ["--Authorization:AllowedCacheTtl=00:00:00", "--Authorization:DeniedCacheTtl=00:00:00"],
            TestContext.Current.CancellationToken,
            Path.Combine(AppContext.BaseDirectory, "Security", "security-scenario.yaml"));

    public async ValueTask DisposeAsync()
    {
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }

    /// <summary>Sends <paramref name="method"/> <paramref name="target"/> as <paramref name="user"/>, to the gateway or straight to the API server.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(
        string user, HttpMethod method, string target, CancellationToken cancellationToken, bool direct = false, string? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var invoker = GatewayClients.Invoker(Sandbox.Host, user, forgedHost: configure is not null);
        var baseUrl = direct ? Sandbox.Host.ApiServerUrl : Sandbox.Host.GatewayUrl;

        // The target goes out exactly as written: no dot-segment removal, no unescaping.
        var uri = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var response = await invoker.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), response);
    }

    /// <summary>Who <paramref name="user"/>'s certificate is, asked with a SelfSubjectReview (<c>kubectl auth whoami</c>).</summary>
    public async Task<(HttpStatusCode Status, string? Name, string[] Groups)> WhoAmIAsync(string user, bool direct, CancellationToken cancellationToken)
    {
        var (status, body, response) = await SendAsync(user, HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews", cancellationToken, direct,
            """{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""");
        response.Dispose();
        if (status != HttpStatusCode.Created && status != HttpStatusCode.OK)
        {
            return (status, null, []);
        }

        var info = JsonNode.Parse(body)!["status"]!["userInfo"]!;
        return (status, (string?)info["username"], [.. info["groups"]?.AsArray().Select(g => (string)g!) ?? []]);
    }
}
