using System.Net.Http.Headers;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Forwarding;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ImpersonationHeadersTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> NoExtra = [];

    public static TheoryData<string, string[], int> Users => new()
    {
        { "dev", ["dev", "system:authenticated"], 1 },
        { "dev", ["a", "b", "system:authenticated"], 2 },
        { "dev", ["system:authenticated"], 1 }, // alone it stays: no groups would give a service account its default ones
        { "system:serviceaccount:demo:app", ["system:authenticated"], 1 },
        { "system:serviceaccount:demo:app", ["system:serviceaccounts", "system:serviceaccounts:demo", "system:authenticated"], 2 },
        { "dev", ["system:unauthenticated", "system:authenticated"], 2 },
        { "dev", ["system:authenticated", "dev", "system:authenticated"], 3 },
        { "dev", ["system:authenticated", "dev"], 2 },
        { "dev", ["dev"], 1 },
        { "dev", [], 0 },
        { "system:anonymous", ["x", "system:authenticated"], 2 },
        { "system:anonymous", ["system:unauthenticated"], 1 },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public void SentGroups_LeavesOutOnlyWhatTheApiServerAddsBackInTheSamePlace(string name, string[] groups, int sent)
    {
        var user = new KubernetesUser(name, groups, null, NoExtra);

        Assert.Equal(sent, ImpersonationHeaders.SentGroups(user));
        Assert.Equal(ApiServerImpersonatedGroups(name, groups), ApiServerImpersonatedGroups(name, groups[..sent]));
    }

    [Fact]
    public void Apply_ForHttp2_AddsEachHeaderAsItIsWithoutTheGroupTheApiServerAddsBack()
    {
        var user = new KubernetesUser("dev", ["a, b", "system:authenticated"], "u-1", new Dictionary<string, IReadOnlyList<string>> { ["example.com/team"] = ["x"] });
        using var request = new HttpRequestMessage();

        ImpersonationHeaders.Apply(request.Headers, user, http2: true);

        Assert.Equal(
            [("Impersonate-User", "dev"), ("Impersonate-Group", "a, b"), ("Impersonate-Uid", "u-1"), ("Impersonate-Extra-example.com%2fteam", "x")],
            Lines(request.Headers));
    }

    [Fact]
    public void Apply_ForHttp11_PutsEveryGroupAndExtraValueOnAPlaceholderLine()
    {
        var user = new KubernetesUser("dev", ["a", "b", "system:authenticated"], null, new Dictionary<string, IReadOnlyList<string>> { ["k"] = ["1", "2"] });
        using var request = new HttpRequestMessage();

        ImpersonationHeaders.Apply(request.Headers, user);

        Assert.Equal(
            [
                ("Impersonate-User", "dev"), ("X-Apg-Line-0", "Impersonate-Group: a"), ("X-Apg-Line-1", "Impersonate-Group: b"),
                ("X-Apg-Line-2", "Impersonate-Group: system:authenticated"), ("X-Apg-Line-3", "Impersonate-Extra-k: 1"), ("X-Apg-Line-4", "Impersonate-Extra-k: 2"),
            ],
            Lines(request.Headers));
    }

    [Theory]
    [InlineData(new[] { "dev", "system:authenticated" }, new string[0], true)]
    [InlineData(new[] { "a", "b", "system:authenticated" }, new string[0], false)]
    [InlineData(new[] { "system:authenticated" }, new[] { "k=1" }, true)]
    [InlineData(new[] { "system:authenticated" }, new[] { "k=1", "k=2" }, false)]
    [InlineData(new[] { "system:authenticated" }, new[] { "k=1", "j=2" }, true)]
    [InlineData(new[] { "system:authenticated" }, new[] { "Team=1", "team=2" }, false)] // one header name, values joined
    [InlineData(new[] { "system:authenticated" }, new[] { "a/b=1", "A/B=2" }, false)]
    public void OneValueEach_IsFalseWhereverHttp2WouldJoinTwoValues(string[] groups, string[] extras, bool expected)
    {
        var extra = extras.Select(e => e.Split('=')).GroupBy(e => e[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e[1])], StringComparer.Ordinal);
        var user = new KubernetesUser("dev", groups, null, extra);

        Assert.Equal(expected, ImpersonationHeaders.OneValueEach(user));
    }

    private static List<(string, string)> Lines(HttpRequestHeaders headers) =>
        [.. headers.NonValidated.SelectMany(h => h.Value.Select(v => (h.Key, v)))];

    /// <summary>kube-apiserver's impersonation filter: a service account asked for without groups gets its default ones, then system:authenticated or system:unauthenticated is added.</summary>
    private static List<string> ApiServerImpersonatedGroups(string name, string[] sent)
    {
        var groups = new List<string>(sent);
        if (sent.Length == 0 && name.StartsWith("system:serviceaccount:", StringComparison.Ordinal) && name.Split(':') is [_, _, var ns, _])
        {
            groups.AddRange(["system:serviceaccounts", $"system:serviceaccounts:{ns}"]);
        }

        if (name != "system:anonymous")
        {
            if (!groups.Any(g => g is "system:authenticated" or "system:unauthenticated"))
            {
                groups.Add("system:authenticated");
            }
        }
        else if (!groups.Contains("system:unauthenticated"))
        {
            groups.Add("system:unauthenticated");
        }

        return groups;
    }
}
