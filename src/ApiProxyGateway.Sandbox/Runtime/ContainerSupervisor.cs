using System.ComponentModel;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Keeps one container of a pod running as its restartPolicy says (Always, OnFailure, Never), with a back-off
/// between restarts (1 s doubling up to 30 s; the kubelet's starts at 10 s, too slow for tests), and remembers what
/// <c>kubectl logs</c> and <c>--previous</c> need: the current instance and the one before.
/// </summary>
internal sealed class ContainerSupervisor(PodContext pod, V1Container spec, ProcessRegistry registry, TimeProvider timeProvider, Action changed)
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private ContainerInstance? _current;
    private ContainerLog? _currentLog;
    private V1ContainerStateTerminated? _currentTermination;
    private ContainerLog? _previousLog;
    private V1ContainerStateTerminated? _lastTermination;
    private bool _backingOff;
    private bool _ready;

    public V1Container Spec { get; } = spec;

    public string Name => Spec.Name;

    public int RestartCount { get; private set; }

    /// <summary>The running instance, or null between runs.</summary>
    public ContainerInstance? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>The log <c>kubectl logs</c> shows (the running or last-ended instance), or with previous the one before.</summary>
    public ContainerLog? LogFor(bool previous)
    {
        lock (_lock)
        {
            return !previous ? _currentLog : _backingOff ? _currentLog : _previousLog;
        }
    }

    public V1ContainerStatus Status()
    {
        lock (_lock)
        {
            var state = _current is { } running
                ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = running.StartedAt.UtcDateTime } }
                : _backingOff
                    ? new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = $"back-off restarting failed container {Name} in pod {pod.Name}_{pod.Namespace}({pod.Uid})" } }
                    : _currentTermination is { } ended
                        ? new V1ContainerState { Terminated = ended }
                        : new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
            return new V1ContainerStatus
            {
                Name = Name,
                Image = Spec.Image ?? "",
                ImageID = Spec.Image ?? "",
                ContainerID = _current?.ContainerId ?? _currentTermination?.ContainerID,
                Ready = _current is not null && _ready,
                Started = _current is not null,
                RestartCount = RestartCount,
                State = state,
                LastState = (_backingOff ? _currentTermination : _lastTermination) is { } last ? new V1ContainerState { Terminated = last } : new V1ContainerState(),
            };
        }
    }

    /// <summary>Ready, ended for good, or backing off: nothing more will happen to it on its own soon.</summary>
    public bool IsSettled
    {
        get
        {
            lock (_lock)
            {
                return (_current is not null && _ready) || _backingOff || IsFinished;
            }
        }
    }

    /// <summary>True once the container has ended for good (restartPolicy says no more restarts).</summary>
    public bool IsFinished { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var (exitCode, termination) = await RunOnceAsync(stopping);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var policy = pod.Pod.Spec.RestartPolicy ?? "Always";
            var restart = policy == "Always" || (policy == "OnFailure" && exitCode != 0);
            lock (_lock)
            {
                _currentTermination = termination;
                _backingOff = restart;
                IsFinished = !restart;
            }

            changed();
            if (!restart)
            {
                return;
            }

            var delay = TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, FirstBackOff.Ticks << Math.Min(RestartCount, 10)));
            try
            {
                await Task.Delay(delay, timeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_lock)
            {
                _previousLog = _currentLog;
                _lastTermination = _currentTermination;
                _currentTermination = null;
                _backingOff = false;
                RestartCount++;
            }
        }
    }

    /// <summary>
    /// Ready once every declared TCP port accepts connections on the pod IP (a built-in readiness probe, so tests and
    /// port-forwards never race a server that is still starting); at once when no port is declared.
    /// </summary>
    private async Task MarkReadyAsync(ContainerInstance instance, CancellationToken stopping)
    {
        var ports = (Spec.Ports ?? []).Where(p => (p.Protocol ?? "TCP") == "TCP").Select(p => p.ContainerPort).ToList();
        try
        {
            foreach (var port in ports)
            {
                await ReadinessProbe.WaitUntilListeningAsync(pod.Network, pod.Ip, port, instance.Completion, timeProvider, stopping);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (!ReferenceEquals(_current, instance))
            {
                return;
            }

            _ready = true;
        }

        changed();
    }

    private async Task<(int ExitCode, V1ContainerStateTerminated Termination)> RunOnceAsync(CancellationToken stopping)
    {
        var env = pod.Environment(Spec, Spec.Tty == true);
        var id = $"sandbox://{pod.Uid[..8]}-{Name}-{RestartCount}";
        var spec = new ProcessSpec(CommandResolver.Resolve(PodContext.Command(Spec, env)), pod.ContainerDirectory(Name), env) { Tty = Spec.Tty == true, Stdin = Spec.Stdin == true, Network = pod.Network };
        ContainerInstance instance;
        try
        {
            instance = ContainerInstance.Start(spec, id, registry, timeProvider);
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            _currentLog = new ContainerLog();
            _currentLog.Complete();
            return (128, new V1ContainerStateTerminated { ExitCode = 128, Reason = "StartError", Message = e.Message, StartedAt = now, FinishedAt = now, ContainerID = id });
        }

        lock (_lock)
        {
            _current = instance;
            _currentLog = instance.Log;
            _ready = false;
        }

        changed();
        _ = MarkReadyAsync(instance, stopping);
        await using (instance)
        {
            using var stop = stopping.Register(() => _ = instance.TerminateAsync(StopGrace));
            var exitCode = await instance.Completion;
            lock (_lock)
            {
                _current = null;
            }

            return (exitCode, new V1ContainerStateTerminated
            {
                ExitCode = exitCode,
                Reason = exitCode == 0 ? "Completed" : "Error",
                StartedAt = instance.StartedAt.UtcDateTime,
                FinishedAt = timeProvider.GetUtcNow().UtcDateTime,
                ContainerID = id,
            });
        }
    }
}
