using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// <c>--recording-required</c> fails closed: the real gateway in front of the sandbox, its recording directory where
/// no directory can be (under a regular file, which root cannot write into either), refuses every session it would
/// record with a 503 that says why, and serves what it does not record.
/// </summary>
public sealed class RecordingRequiredTests : IAsyncLifetime
{
    private ProductionSandbox _sandbox = null!;
    private string _blocker = null!;

    public async ValueTask InitializeAsync()
    {
        _blocker = Path.GetTempFileName();
        _sandbox = await ProductionSandbox.StartAsync(
            ["--recording-dir", Path.Combine(_blocker, "recordings"), "--recording-required"],
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        File.Delete(_blocker);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task KubectlExec_RecordingCannotBeWritten_IsRefusedSayingWhy(string version)
    {
        var result = await Kubectl.Version(version).RunAsync(Environment(), ["--context", "admin", "exec", "-n", "demo", "shell", "--", "true"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("session recording is required and the recording cannot be written", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(_blocker, result.StandardError, StringComparison.Ordinal); // the gateway's paths stay in its log
    }

    [Fact]
    public async Task Exec_RecordingCannotBeWritten_GetsA503Status()
    {
        using var invoker = _sandbox.Invoker("admin");
        using var request = _sandbox.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/shell/exec?command=true&stdout=true");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("SPDY", "3.1"));
        request.Headers.Add("X-Stream-Protocol-Version", "v4.channel.k8s.io");
        request.Version = HttpVersion.Version11;
        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"kind\":\"Status\"", body, StringComparison.Ordinal);
        Assert.Contains("session recording is required", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlLogs_NotRecorded_IsServed()
    {
        var result = await Kubectl.Default.RunAsync(Environment(), ["--context", "admin", "logs", "-n", "demo", "logger", "--tail=1"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(ProductionSandbox.LogLine, result.StandardOutput, StringComparison.Ordinal);
    }

    private KubectlEnvironment Environment() =>
        new(_sandbox.Host.KubeconfigPath, Path.Combine(Path.GetDirectoryName(_sandbox.Host.KubeconfigPath)!, "kube-cache"));
}
