using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>
/// <c>--gateway-replicas N</c>: N gateway processes behind <see cref="HaproxyBalancer"/>, and a rolling restart done
/// as a Deployment with <c>maxSurge: 1, maxUnavailable: 0</c> does it: for each replica in turn a new one starts in the
/// spare slot and enters rotation once ready, then the old one gets SIGTERM and drains while the balancer, seeing its
/// readiness fail, sends new connections elsewhere.
/// </summary>
internal sealed class GatewayReplicaSet : IAsyncDisposable
{
    private readonly AddressPlan _plan;
    private readonly Func<IPAddress, string, IReadOnlyList<string>> _arguments;
    private readonly string _logs;
    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _rolling = new(1, 1);
    private readonly Dictionary<int, (GatewayReplica Info, GatewayProcess Process)> _running = [];
    private readonly int _slots;
    private HaproxyBalancer? _balancer;
    private int _generation;

    private GatewayReplicaSet(AddressPlan plan, Func<IPAddress, string, IReadOnlyList<string>> arguments, string logs, int replicas, SandboxOptions options, ILogger logger)
    {
        _plan = plan;
        _arguments = arguments;
        _logs = logs;
        _slots = replicas + 1;
        _options = options;
        _logger = logger;
    }

    /// <summary>The replicas in rotation (or draining during a roll), by slot.</summary>
    public IReadOnlyList<GatewayReplica> Replicas
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Values.Select(r => r.Info).OrderBy(r => r.Slot)];
            }
        }
    }

    public int BalancerProcessId => _balancer?.ProcessId ?? 0;

    /// <summary>
    /// Starts <paramref name="replicas"/> gateways, each with the flags <paramref name="arguments"/> gives for its bind
    /// address and audit log, waits until each is ready, then starts the balancer in front of them.
    /// </summary>
    public static async Task<GatewayReplicaSet> StartAsync(int replicas, AddressPlan plan, Func<IPAddress, string, IReadOnlyList<string>> arguments, string stateDirectory, SandboxOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(stateDirectory, "logs");
        var set = new GatewayReplicaSet(plan, arguments, logs, replicas, options, logger);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, replicas).Select(slot => set.StartReplicaAsync(slot, cancellationToken)));
            var layout = new HaproxyLayout(
                plan.GatewayEndPoint,
                [.. Enumerable.Range(1, set._slots).Select(slot => (new IPEndPoint(plan.GatewayReplicaAddress(slot), AddressPlan.GatewayPort), AddressPlan.GatewayOperationsPort))],
                stateDirectory,
                Path.Combine(logs, "haproxy.log"));
            set._balancer = await HaproxyBalancer.StartAsync(layout, Enumerable.Range(1, replicas).ToHashSet(), options.GatewayStartTimeout, cancellationToken);
            foreach (var slot in Enumerable.Range(1, replicas))
            {
                await set.WaitInRotationAsync(slot, cancellationToken);
            }

            GatewayLog.BalancerListening(logger, set._balancer.ProcessId, plan.GatewayEndPoint.ToString(), replicas);
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Replaces every replica once, in slot order, and returns what each step took. One roll at a time; a roll asked
    /// for during another waits for it.
    /// </summary>
    public async Task<IReadOnlyList<ReplicaReplacement>> RollAsync(CancellationToken cancellationToken)
    {
        await _rolling.WaitAsync(cancellationToken);
        try
        {
            var steps = new List<ReplicaReplacement>();
            foreach (var slot in Replicas.Select(r => r.Slot).ToList())
            {
                steps.Add(await ReplaceAsync(slot, cancellationToken));
            }

            return steps;
        }
        finally
        {
            _rolling.Release();
        }
    }

    /// <summary>One step of a roll: replaces the replica named <paramref name="name"/>.</summary>
    public async Task<ReplicaReplacement> ReplaceAsync(string name, CancellationToken cancellationToken)
    {
        await _rolling.WaitAsync(cancellationToken);
        try
        {
            var slot = Replicas.FirstOrDefault(r => r.Name == name)?.Slot ?? throw new ArgumentException($"No gateway replica \"{name}\" is running.", nameof(name));
            return await ReplaceAsync(slot, cancellationToken);
        }
        finally
        {
            _rolling.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<GatewayProcess> processes;
        lock (_running)
        {
            processes = [.. _running.Values.Select(r => r.Process)];
            _running.Clear();
        }

        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        if (_balancer is not null)
        {
            await _balancer.DisposeAsync();
        }

        _rolling.Dispose();
    }

    /// <summary>
    /// One step: a new replica in the spare slot, ready and in rotation; SIGTERM to the one in <paramref name="slot"/>;
    /// the time until the balancer takes it out of rotation and until it has drained and exited; its slot then
    /// becomes the spare.
    /// </summary>
    private async Task<ReplicaReplacement> ReplaceAsync(int slot, CancellationToken cancellationToken)
    {
        var balancer = _balancer!; // ! set at start, before any roll
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        int spare;
        (GatewayReplica Info, GatewayProcess Process) old;
        lock (_running)
        {
            spare = Enumerable.Range(1, _slots).First(s => !_running.ContainsKey(s));
            old = _running[slot];
        }

        var fresh = await StartReplicaAsync(spare, cancellationToken);
        await balancer.EnableAsync(spare, cancellationToken);
        await WaitInRotationAsync(spare, cancellationToken);
        var readyAfter = time.GetElapsedTime(started);
        GatewayLog.Replacing(_logger, fresh.Name, readyAfter.TotalSeconds, old.Info.Name);

        var terminated = time.GetTimestamp();
        old.Process.RequestTermination();
        var outOfRotation = OutOfRotationAsync(balancer, slot, terminated, cancellationToken);
        var killed = false;
        try
        {
            await old.Process.WaitForExitAsync(cancellationToken).WaitAsync(_options.GatewayDrainTimeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            killed = true;
        }

        var exitedAfter = time.GetElapsedTime(terminated);
        var exitCode = killed ? -1 : await old.Process.WaitForExitAsync(cancellationToken);
        lock (_running)
        {
            _running.Remove(slot);
        }

        await old.Process.DisposeAsync(); // kills it if it is still there
        var outAfter = await outOfRotation;
        await balancer.DisableAsync(slot, cancellationToken);

        GatewayLog.Replaced(_logger, old.Info.Name, outAfter?.TotalSeconds, exitCode, exitedAfter.TotalSeconds);
        return new ReplicaReplacement(old.Info.Name, fresh.Name, readyAfter, outAfter, exitedAfter, exitCode, killed);
    }

    /// <summary>When the balancer marks the slot down after SIGTERM (its health check saw readiness fail, or the port close).</summary>
    private async Task<TimeSpan?> OutOfRotationAsync(HaproxyBalancer balancer, int slot, long terminated, CancellationToken cancellationToken) =>
        await balancer.WaitForStatusAsync(slot, status => status.StartsWith("DOWN", StringComparison.Ordinal), _options.GatewayDrainTimeout, cancellationToken)
            ? _options.TimeProvider.GetElapsedTime(terminated)
            : null;

    private async Task WaitInRotationAsync(int slot, CancellationToken cancellationToken)
    {
        if (!await _balancer!.WaitForStatusAsync(slot, status => status == "UP", _options.GatewayStartTimeout, cancellationToken)) // ! called once the balancer runs
        {
            throw new TimeoutException($"HAProxy did not put gateway slot {slot} in rotation within {_options.GatewayStartTimeout}; its state: {await _balancer.StatusAsync(slot, cancellationToken)}.");
        }
    }

    private async Task<GatewayReplica> StartReplicaAsync(int slot, CancellationToken cancellationToken)
    {
        var name = $"gateway-{Interlocked.Increment(ref _generation)}";
        var address = _plan.GatewayReplicaAddress(slot);
        var info = new GatewayReplica(
            name, slot, 0, new IPEndPoint(address, AddressPlan.GatewayPort), new Uri($"http://{address}:{AddressPlan.GatewayOperationsPort}"),
            Path.Combine(_logs, name + ".log"), Path.Combine(_logs, "audit-" + name + ".log"));
        var process = await GatewayProcess.StartAsync(
            _arguments(address, info.AuditLogPath), info.ApiEndPoint, info.LogPath, _options.GatewayStartTimeout, _options.GatewayStopGracePeriod, _logger, cancellationToken);
        try
        {
            await WaitUntilReadyAsync(info, cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        info = info with { ProcessId = process.ProcessId };
        lock (_running)
        {
            _running[slot] = (info, process);
        }

        GatewayLog.ReplicaReady(_logger, name, process.ProcessId, info.ApiEndPoint.ToString());
        return info;
    }

    /// <summary>Until the replica's own <c>/readyz</c> answers 200 (caches synced), as a readiness probe would see it.</summary>
    private async Task WaitUntilReadyAsync(GatewayReplica replica, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = replica.OperationsUrl, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.GatewayStartTimeout);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/readyz", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when ((e is HttpRequestException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                // the operations port does not listen yet, or one answer was slow
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Gateway replica {replica.Name} was not ready within {_options.GatewayStartTimeout}; see {replica.LogPath}.");
            }
        }
    }
}
