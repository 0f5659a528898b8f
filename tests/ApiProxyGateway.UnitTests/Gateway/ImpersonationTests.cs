using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ImpersonationTests
{
    private static readonly KubernetesUser Developer = new("developer", ["dev", "system:authenticated"], null, new Dictionary<string, IReadOnlyList<string>>());

    [Fact]
    public void Parse_NoHeaders_ReturnsNull() => Assert.Null(ImpersonationRequest.Parse(new HeaderDictionary()));

    [Fact]
    public void Parse_UserGroupsUidAndExtra_ReadsEachLineAndDecodesExtraKeys()
    {
        var headers = new HeaderDictionary
        {
            ["Impersonate-User"] = "bob",
            ["Impersonate-Group"] = new(["a", "b, c"]),
            ["Impersonate-Uid"] = "1234",
            ["Impersonate-Extra-Example.com%2FScopes"] = new(["read", "write"]),
        };

        var request = ImpersonationRequest.Parse(headers)!;

        Assert.Equal("bob", request.User);
        Assert.Equal(["a", "b, c"], request.Groups);
        Assert.Equal("1234", request.Uid);
        Assert.Equal(["read", "write"], request.Extra["example.com/scopes"]);
    }

    [Fact]
    public void Parse_GroupWithoutUser_IsMalformed() =>
        Assert.Throws<FormatException>(() => ImpersonationRequest.Parse(new HeaderDictionary { ["Impersonate-Group"] = "system:masters" }));

    [Fact]
    public void Parse_TwoUsers_IsMalformed() =>
        Assert.Throws<FormatException>(() => ImpersonationRequest.Parse(new HeaderDictionary { ["Impersonate-User"] = new(["a", "b"]) }));

    [Theory]
    [InlineData("authentication.kubernetes.io/credential-id", "authentication.kubernetes.io%2fcredential-id")]
    [InlineData("scopes", "scopes")]
    [InlineData("a b%", "a%20b%25")]
    public void EncodeExtraKey_ReservedCharacters_ArePercentEncoded(string key, string encoded) =>
        Assert.Equal(encoded, ImpersonationHeaders.EncodeExtraKey(key));

    [Fact]
    public void ForbiddenMessage_ClusterScopedWithName_MatchesKubeApiserver() =>
        Assert.Equal(
            """users "bob" is forbidden: User "developer" cannot impersonate resource "users" in API group "" at the cluster scope""",
            ForbiddenStatus.Message(Developer, new ResourceAttributes("impersonate", "", "users", Name: "bob"), ""));

    [Fact]
    public void ForbiddenMessage_NamespacedSubresource_MatchesKubeApiserver() =>
        Assert.Equal(
            """pods "web" is forbidden: User "developer" cannot create resource "pods/exec" in API group "" in the namespace "kube-system": no RBAC rule""",
            ForbiddenStatus.Message(Developer, new ResourceAttributes("create", "", "pods", "exec", "kube-system", "web"), "no RBAC rule"));

    [Fact]
    public void ForbiddenMessage_GroupedResource_NamesTheGroup() =>
        Assert.Equal(
            """userextras.authentication.k8s.io "read" is forbidden: User "developer" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope""",
            ForbiddenStatus.Message(Developer, new ResourceAttributes("impersonate", "authentication.k8s.io", "userextras", "scopes", Name: "read"), ""));

    [Fact]
    public async Task Authorize_ServiceAccountWithoutGroups_GetsServiceAccountGroupsAndAuthenticated()
    {
        var reviews = new RecordingReviewClient(_ => true);
        using var reviewer = AccessReviewerTests.CreateReviewer(reviews, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var authorizer = new ImpersonationAuthorizer(reviewer);

        var outcome = await authorizer.AuthorizeAsync(Developer, new ImpersonationRequest("system:serviceaccount:demo:builder", [], null, new Dictionary<string, IReadOnlyList<string>>()), TestContext.Current.CancellationToken);

        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:demo", "system:authenticated"], outcome.Effective!.Groups);
        var question = Assert.Single(reviews.Questions);
        Assert.Equal(new ResourceAttributes("impersonate", "", "serviceaccounts", Namespace: "demo", Name: "builder"), question);
    }

    [Fact]
    public async Task Authorize_OneGroupDenied_ReportsThatGroup()
    {
        var reviews = new RecordingReviewClient(attributes => attributes.Name != "system:masters");
        using var reviewer = AccessReviewerTests.CreateReviewer(reviews, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var authorizer = new ImpersonationAuthorizer(reviewer);

        var outcome = await authorizer.AuthorizeAsync(Developer, new ImpersonationRequest("bob", ["dev", "system:masters"], null, new Dictionary<string, IReadOnlyList<string>>()), TestContext.Current.CancellationToken);

        Assert.Null(outcome.Effective);
        Assert.Equal(new ResourceAttributes("impersonate", "", "groups", Name: "system:masters"), outcome.Denied);
    }
}
