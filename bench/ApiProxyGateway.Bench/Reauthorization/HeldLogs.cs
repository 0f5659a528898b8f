using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench.Reauthorization;

/// <summary>
/// A mix's followed logs (<c>tailLines=1</c>, HTTP/2 as kubectl, one client per user), opened through the gateway
/// and held. A stream is proved open once its pod's one line arrived; one whose body ends before <see
/// cref="DisposeAsync"/> was ended by someone else (the gateway's re-authorization must end none of them).
/// </summary>
internal sealed class HeldLogs : IAsyncDisposable
{
    private const int OpenConcurrency = 32;
    private readonly List<(HttpClient Client, Endpoint Endpoint)> _clients = [];
    private readonly List<(HttpResponseMessage Response, Task Reader)> _streams = [];
    private readonly CancellationTokenSource _stop = new();
    private int _proved;
    private int _ended;
    private int _failed;

    public int Opened => _streams.Count;

    public int Proved => Volatile.Read(ref _proved);

    public int Ended => Volatile.Read(ref _ended);

    public int Failed => Volatile.Read(ref _failed);

    public string? FirstError { get; private set; }

    /// <summary>Opens every stream of <paramref name="mix"/>, <see cref="OpenConcurrency"/> at a time, as the mix's users.</summary>
    public async Task OpenAsync(SandboxInfo info, ReauthorizationMix mix, CancellationToken cancellationToken)
    {
        var root = X509CertificateLoader.LoadCertificateFromFile(info.Pki("cluster-ca.crt"));
        for (var u = 0; u < mix.Users; u++)
        {
            var user = ReauthorizationScenario.User(u);
            var certificate = Topology.Load(info.Pki($"users/{user}.crt"), info.Pki($"users/{user}.key"));
            var endpoint = new Endpoint(ArmNames.Gateway, new Uri($"https://{info.GatewayAddress}:8443"), info.GatewayAddress, certificate, root, UpstreamPaths: false);
            var client = Clients.Http(endpoint);
            client.Timeout = Timeout.InfiniteTimeSpan;
            _clients.Add((client, endpoint));
        }

        // Interleaved (user 0 pod 0, user 1 pod 0, …) so that every user's connections fill at the same pace.
        var work = Enumerable.Range(0, mix.PerPair).SelectMany(_ => Enumerable.Range(0, mix.Pods).SelectMany(p => Enumerable.Range(0, mix.Users).Select(u => (User: u, Pod: p)))).ToArray();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, OpenConcurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < work.Length && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await OpenOneAsync(_clients[work[index].User], ReauthorizationScenario.Pod(work[index].Pod));
                }
                catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
                {
                    Interlocked.Increment(ref _failed);
                    FirstError ??= $"{e.GetType().Name}: {e.Message}";
                }
            }
        }, cancellationToken)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (response, _) in _streams)
        {
            response.Dispose();
        }

        await Task.WhenAll(_streams.Select(s => s.Reader));
        foreach (var (client, _) in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task OpenOneAsync((HttpClient Client, Endpoint Endpoint) user, string pod)
    {
        var path = StreamPaths.Logs(pod, "idle", follow: true, tailLines: 1).Api;
        var response = await user.Client.GetAsync(user.Endpoint.Resolve(path, path), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"HTTP {status} for {path}");
        }

        var body = await response.Content.ReadAsStreamAsync(_stop.Token);
        lock (_streams)
        {
            _streams.Add((response, ReadAsync(body)));
        }
    }

    private async Task ReadAsync(Stream body)
    {
        var buffer = new byte[256];
        var proved = false;
        try
        {
            while (await body.ReadAsync(buffer, _stop.Token) > 0)
            {
                if (!proved)
                {
                    proved = true;
                    Interlocked.Increment(ref _proved);
                }
            }

            Interlocked.Increment(ref _ended);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _ended);
            }
        }
    }
}
