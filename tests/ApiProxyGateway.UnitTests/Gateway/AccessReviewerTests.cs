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

    internal static AccessReviewer CreateReviewer(ISubjectAccessReviewClient client, TimeProvider time) =>
        new(client, Options.Create(new AccessReviewOptions()), TestMetrics.Create(), time);
}
