using System.Diagnostics;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>How a re-authorization round is planned (one question per user and permission) and paced.</summary>
public sealed class ReauthorizationRoundTests
{
    private static readonly KubernetesUser Jane = User("jane");
    private static readonly KubernetesUser Joe = User("joe");

    [Fact]
    public void StreamQuestions_TenStreamsOfOneUserAndPod_AreOneQuestion()
    {
        using var certificate = TestPki.CreateAuthority("client");
        var log = new ResourceAttributes("get", "", "pods", "log", "demo", "web");
        var streams = Enumerable.Range(0, 10).Select(_ => Stream(certificate, Jane, log)).ToList();

        var question = Assert.Single(StreamQuestion.Of(streams));

        Assert.Equal(log, question.Permission);
        Assert.Equal(streams, question.Streams);
    }

    [Fact]
    public void StreamQuestions_OtherUserOtherPodOrSecondPermission_AreQuestionsOfTheirOwn()
    {
        using var certificate = TestPki.CreateAuthority("client");
        var logOfWeb = new ResourceAttributes("get", "", "pods", "log", "demo", "web");
        var logOfDb = logOfWeb with { Name = "db" };
        var execGet = new ResourceAttributes("get", "", "pods", "exec", "demo", "web");
        var execCreate = execGet with { Verb = "create" };
        var exec = Stream(certificate, Jane, execGet, execCreate);

        var questions = StreamQuestion.Of([Stream(certificate, Jane, logOfWeb), Stream(certificate, Joe, logOfWeb), Stream(certificate, Jane, logOfDb), exec]);

        Assert.Equal(5, questions.Count);
        Assert.Equal(2, questions.Count(q => q.Streams.Contains(exec)));
        Assert.Equal(questions.Select(q => q.Key).Order(StringComparer.Ordinal), questions.Select(q => q.Key)); // the same order every round
    }

    [Fact]
    public async Task PacedRound_TwentyItemsOverAWindow_NoneStartsBeforeItsShareOfTheWindow()
    {
        var window = TimeSpan.FromMilliseconds(400);
        var started = new double[20];
        var clock = Stopwatch.StartNew();

        await PacedRound.RunAsync([.. Enumerable.Range(0, 20)], window, 8, TimeProvider.System, (i, _) =>
        {
            started[i] = clock.Elapsed.TotalMilliseconds;
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);

        for (var i = 0; i < started.Length; i++)
        {
            var due = window.TotalMilliseconds * i / started.Length;
            Assert.True(started[i] >= due - PacedRound.Slack.TotalMilliseconds, $"item {i} started at {started[i]:F1} ms, before its time {due:F1} ms");
        }
    }

    [Fact]
    public async Task PacedRound_ActionsThatWait_NoMoreThanTheParallelismInFlight()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int inFlight = 0, most = 0, done = 0;
        var round = PacedRound.RunAsync([.. Enumerable.Range(0, 10)], TimeSpan.Zero, 3, TimeProvider.System, async (_, token) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await gate.Task.WaitAsync(token);
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref done);
        }, TestContext.Current.CancellationToken);

        await TestWait.UntilAsync(() => Volatile.Read(ref inFlight) == 3, "three actions in flight");
        Assert.False(round.IsCompleted);
        gate.SetResult();
        await round;

        Assert.Equal(10, done);
        Assert.Equal(3, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static KubernetesUser User(string name) => new(name, ["system:authenticated"], null, new Dictionary<string, IReadOnlyList<string>>());

    private static LiveStream Stream(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, KubernetesUser user, params ResourceAttributes[] permissions) =>
        new("logs", certificate, user, permissions, _ => { });
}
