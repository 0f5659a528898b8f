using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;
using Grpc.Net.Client;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// One node's simulated konnectivity-agent: it dials the server (gRPC over TCP with mutual TLS, from the host's
/// network), names itself with <c>agentid</c> and <c>agentidentifiers</c>, serves the server's dials from its node's
/// network, and reconnects every <see cref="KonnectivityAgentOptions.RetryInterval"/> while the server is unreachable.
/// Stopping it ("agent down") says DRAIN first, as konnectivity-agent does on SIGTERM.
/// </summary>
internal sealed class KonnectivityAgent : IAsyncDisposable
{
    private readonly KonnectivityAgentOptions _options;
    private readonly ILogger _logger;
    private readonly GrpcChannel _channel;
    private readonly Lock _lock = new();
    private CancellationTokenSource? _running;
    private Task _loop = Task.CompletedTask;
    private AgentSession? _session;
    private long _dialDelayTicks;

    public KonnectivityAgent(KonnectivityAgentOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            SslOptions = KonnectivityTls.Client(options.ClientCertificate, options.ServerCa),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        _channel = GrpcChannel.ForAddress(options.ServerUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = 16 * 1024 * 1024 });
    }

    public string NodeName => _options.NodeName;

    public bool IsRunning => _running is not null;

    /// <summary>How long every dial waits before it starts (the "slow dials" fault); zero by default.</summary>
    public TimeSpan DialDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _dialDelayTicks));
        set => Interlocked.Exchange(ref _dialDelayTicks, value.Ticks);
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_running is not null)
            {
                return;
            }

            _running = new CancellationTokenSource();
            _loop = RunAsync(_running.Token);
        }
    }

    /// <summary>Says DRAIN, ends the stream (the server closes this agent's tunnels) and closes every connection it dialled.</summary>
    public async Task StopAsync()
    {
        CancellationTokenSource? running;
        lock (_lock)
        {
            running = _running;
            _running = null;
        }

        if (running is null)
        {
            return;
        }

        if (Volatile.Read(ref _session) is { } session)
        {
            await session.DrainAsync();
        }

        await running.CancelAsync();
        await _loop;
        running.Dispose();
        KonnectivityLog.AgentStopped(_logger, _options.NodeName);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _channel.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var warned = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ServeOnceAsync(stopping);
                warned = false;
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } or IOException)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException)
            {
                if (!warned)
                {
                    KonnectivityLog.AgentCannotConnect(_logger, _options.NodeName, e is RpcException rpc ? rpc.Status.Detail : e.Message, _options.RetryInterval);
                    warned = true;
                }
            }

            try
            {
                await Task.Delay(_options.RetryInterval, _options.TimeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ServeOnceAsync(CancellationToken stopping)
    {
        var client = new AgentService.AgentServiceClient(_channel);
        var headers = new Metadata
        {
            { KonnectivityMetadata.AgentId, _options.AgentId },
            { KonnectivityMetadata.AgentIdentifiers, _options.Identifiers.ToString() },
        };
        using var call = client.Connect(headers, cancellationToken: stopping);
        var answer = await call.ResponseHeadersAsync;
        var session = new AgentSession(call, _options, () => DialDelay, _logger, stopping);
        Volatile.Write(ref _session, session);
        KonnectivityLog.AgentUp(_logger, _options.NodeName, answer.GetValue(KonnectivityMetadata.ServerId) ?? _options.ServerUrl.ToString(), _options.AgentId);
        try
        {
            await session.RunAsync(stopping);
        }
        finally
        {
            Volatile.Write(ref _session, null);
        }
    }
}
