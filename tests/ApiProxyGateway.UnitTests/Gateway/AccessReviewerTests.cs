using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class AccessReviewerTests
{
    private static readonly KubernetesUser Viewer = new("viewer", ["system:authenticated"], null, new Dictionary<string, IReadOnlyList<string>>());
    private static readonly ResourceAttributes Exec = new("create", "", "pods", "exec", "demo", "web");

    [Fact]
    public async Task Review_AllowedAnswer_IsCachedForTheAllowedTtl()
    {
        var time = new FakeTimeProvider();
        var client = new RecordingReviewClient(_ => true);
        using var reviewer = CreateReviewer(client, time);

        await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(4));
        var cached = await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(2));
        var fresh = await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);

        Assert.True(cached.FromCache);
        Assert.False(fresh.FromCache);
        Assert.Equal(2, client.Questions.Count);
    }

    [Fact]
    public async Task Review_DeniedAnswer_IsCachedOnlyForTheDeniedTtl()
    {
        var time = new FakeTimeProvider();
        var client = new RecordingReviewClient(_ => false);
        using var reviewer = CreateReviewer(client, time);

        await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(20));
        var cached = await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(20));
        var fresh = await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);

        Assert.True(cached.FromCache);
        Assert.False(fresh.FromCache);
        Assert.Equal(2, client.Questions.Count);
    }

    [Fact]
    public async Task Review_ConcurrentIdenticalQuestions_AreAskedOnce()
    {
        var gate = new TaskCompletionSource();
        var client = new RecordingReviewClient(_ => true, gate.Task);
        using var reviewer = CreateReviewer(client, new FakeTimeProvider());

        var answers = Enumerable.Range(0, 10).Select(_ => reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken)).ToArray();
        gate.SetResult();
        await Task.WhenAll(answers);

        Assert.Single(client.Questions);
        Assert.All(answers, answer => Assert.True(answer.Result.Allowed));
    }

    [Fact]
    public async Task Review_DifferentGroups_AreDifferentQuestions()
    {
        var client = new RecordingReviewClient(_ => true);
        using var reviewer = CreateReviewer(client, new FakeTimeProvider());

        await reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken);
        await reviewer.ReviewAsync(Viewer with { Groups = ["system:masters"] }, Exec, TestContext.Current.CancellationToken);

        Assert.Equal(2, client.Questions.Count);
    }

    [Fact]
    public async Task Review_WhenTheApiServerFails_ThrowsAndCachesNothing()
    {
        var client = new RecordingReviewClient(_ => throw new AuthorizationUnavailableException("down"));
        using var reviewer = CreateReviewer(client, new FakeTimeProvider());

        await Assert.ThrowsAsync<AuthorizationUnavailableException>(() => reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<AuthorizationUnavailableException>(() => reviewer.ReviewAsync(Viewer, Exec, TestContext.Current.CancellationToken));

        Assert.Equal(2, client.Questions.Count);
    }

    /// <summary>
    /// Red-team finding: the cache key length-prefixes each string but not the lists, so an extra value spelled like
    /// the key's own "e:" marker reads as the start of another extra. {k1: [a, "e:k2", b]} and {k1: [a], k2: [b]} are
    /// different users (a webhook authorizer may decide on extras), yet the second is answered from the first's cache.
    /// </summary>
    [Fact]
    public async Task Review_ExtraValueSpelledLikeAnotherExtraKey_IsADifferentQuestion()
    {
        var asked = 0;
        var client = new RecordingReviewClient(_ => Interlocked.Increment(ref asked) == 1); // only the first user is allowed
        using var reviewer = CreateReviewer(client, new FakeTimeProvider());
        var twoExtras = Viewer with { Extra = new Dictionary<string, IReadOnlyList<string>> { ["k1"] = ["a"], ["k2"] = ["b"] } };
        var oneExtra = Viewer with { Extra = new Dictionary<string, IReadOnlyList<string>> { ["k1"] = ["a", "e:k2", "b"] } };

        var allowed = await reviewer.ReviewAsync(twoExtras, Exec, TestContext.Current.CancellationToken);
        var other = await reviewer.ReviewAsync(oneExtra, Exec, TestContext.Current.CancellationToken);

        Assert.True(allowed.Allowed);
        Assert.False(other.FromCache);
        Assert.False(other.Allowed);
        Assert.Equal(2, client.Questions.Count);
    }

    [Fact]
    public void Key_IsTheUserThenTheQuestion_EachPartLengthPrefixed()
    {
        var user = new KubernetesUser("alice", ["team-b", "team-a"], "u1", new Dictionary<string, IReadOnlyList<string>> { ["scopes"] = ["x"] });
        var question = new ResourceAttributes("get", "apps", "deployments", "scale", "a-namespace-name", "a-rather-long-deployment-name-of-more-than-ninety-nine-characters-so-that-its-length-takes-three-digits-to-write");

        var key = AccessReviewer.Key(user, question);

        Assert.Equal(
            "5:alice|2:u1|#2|6:team-a|6:team-b|#1|6:scopes|#1|1:x|"
            + "3:get|4:apps|11:deployments|5:scale|16:a-namespace-name|" + $"{question.Name.Length}:{question.Name}|",
            key);
        Assert.Equal(3, question.Name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        Assert.Equal(key, AccessReviewer.Key(user, question with { }));
        Assert.NotEqual(key, AccessReviewer.Key(user, question with { Subresource = "" }));
    }

    internal static AccessReviewer CreateReviewer(ISubjectAccessReviewClient client, TimeProvider time) =>
        new(client, Options.Create(new AccessReviewOptions()), TestMetrics.Create(), time);
}
