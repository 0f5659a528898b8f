using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests;

public sealed class KubectlAuthTests(SandboxFixture fixture)
{
    [Theory]
    [InlineData("admin", "delete", "nodes", "", "", "yes")]
    [InlineData("admin", "create", "pods", "exec", "kube-system", "yes")]
    [InlineData("developer", "list", "pods", "", "demo", "yes")]
    [InlineData("developer", "watch", "services", "", "demo", "yes")]
    [InlineData("developer", "get", "pods", "log", "demo", "yes")]
    [InlineData("developer", "create", "pods", "exec", "demo", "yes")]
    [InlineData("developer", "create", "pods", "portforward", "demo", "yes")]
    [InlineData("developer", "get", "services", "proxy", "demo", "yes")]
    [InlineData("developer", "create", "pods", "exec", "kube-system", "no")]
    [InlineData("developer", "list", "secrets", "", "demo", "no")]
    [InlineData("developer", "delete", "pods", "", "demo", "no")]
    [InlineData("viewer", "list", "pods", "", "demo", "yes")]
    [InlineData("viewer", "get", "pods", "log", "demo", "yes")]
    [InlineData("viewer", "create", "pods", "exec", "demo", "no")]
    [InlineData("viewer", "list", "services", "", "demo", "no")]
    [InlineData("viewer", "list", "pods", "", "kube-system", "no")]
    public async Task AuthCanI_ScenarioUsers_MatchScenarioRbacDirectAndThroughTheGateway(string user, string verb, string resource, string subresource, string ns, string expected)
    {
        foreach (var context in new[] { "direct-" + user, user })
        {
            await AssertCanIAsync(context, verb, resource, subresource, ns, expected);
        }
    }

    private async Task AssertCanIAsync(string context, string verb, string resource, string subresource, string ns, string expected)
    {
        // "can-i create pods/exec" would ask about a pod NAMED exec; subresources need --subresource.
        List<string> arguments = ["--context", context, "auth", "can-i", verb, resource];
        if (subresource.Length > 0)
        {
            arguments.Add("--subresource=" + subresource);
        }

        if (ns.Length > 0)
        {
            arguments.AddRange(["-n", ns]);
        }

        var result = await fixture.KubectlAsync([.. arguments]);

        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(expected, result.StandardOutput.Trim());
        Assert.Equal(expected == "yes" ? 0 : 1, result.ExitCode);
    }

    [Fact]
    public async Task AuthCanI_SlashFormWithoutSubresourceFlag_AsksAboutAPodName()
    {
        var result = await fixture.KubectlAsync("--context", "direct-developer", "auth", "can-i", "create", "pods/exec", "-n", "demo");

        Assert.Equal("no", result.StandardOutput.Trim());
        var review = fixture.Host.RequestLog.Entries.Last(e => e.PathAndQuery.StartsWith("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", StringComparison.Ordinal));
        Assert.Equal("developer", review.EffectiveUser?.Name);
    }

    [Fact]
    public async Task As_AdminImpersonatingViewer_ActsAsViewer()
    {
        var allowed = await fixture.KubectlAsync("--context", "direct-admin", "--as", "viewer", "get", "pods", "-n", "demo");
        var denied = await fixture.KubectlAsync("--context", "direct-admin", "--as", "viewer", "get", "pods", "-n", "kube-system");

        Assert.True(allowed.Succeeded, allowed.ToString());
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"", denied.StandardError, StringComparison.Ordinal);
        Assert.Contains(fixture.Host.RequestLog.Entries, e => e.AuthenticatedUser?.Name == "admin" && e.EffectiveUser?.Name == "viewer"
            && e.HeaderValues("Impersonate-User").SequenceEqual(["viewer"]));
    }

    [Fact]
    public async Task As_DeveloperImpersonatingAdmin_IsForbidden()
    {
        var result = await fixture.KubectlAsync("--context", "direct-developer", "--as", "admin", "get", "pods", "-n", "demo");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "Error from server (Forbidden): users \"admin\" is forbidden: User \"developer\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthWhoami_Developer_ReportsCertificateIdentity()
    {
        var result = await fixture.KubectlAsync("--context", "direct-developer", "auth", "whoami");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Matches(@"Username\s+developer", result.StandardOutput);
        Assert.Matches(@"Groups\s+\[developers system:authenticated\]", result.StandardOutput);
    }
}
