using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// One run of a container's main process: its log, its live output for attached clients, its stdin (shared by
/// attachers, writes serialised) and how it ended. A new instance is made for every restart.
/// </summary>
internal sealed class ContainerInstance : IAsyncDisposable
{
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(2);

    private readonly HostProcess _process;
    private readonly SemaphoreSlim _stdinLock = new(1, 1);
    private bool _stdinClosed;

    private ContainerInstance(HostProcess process, string containerId, DateTimeOffset startedAt, TimeProvider timeProvider)
    {
        _process = process;
        ContainerId = containerId;
        StartedAt = startedAt;
        var outputs = new List<Task> { OutputCapture.RunAsync(process.Stdout, LogLine.Stdout, Log, Fanout, timeProvider) };
        if (process.Stderr is { } stderr)
        {
            outputs.Add(OutputCapture.RunAsync(stderr, LogLine.Stderr, Log, Fanout, timeProvider));
        }

        Completion = CompleteAsync(Task.WhenAll(outputs));
    }

    public string ContainerId { get; }

    public DateTimeOffset StartedAt { get; }

    public int ProcessId => _process.Id;

    public bool HasTty => _process.HasTty;

    public bool HasStdin => _process.Stdin is not null;

    public ContainerLog Log { get; } = new();

    public OutputFanout Fanout { get; } = new();

    /// <summary>The exit code, once the process has exited and its output was read.</summary>
    public Task<int> Completion { get; }

    public static ContainerInstance Start(ProcessSpec spec, string containerId, ProcessRegistry registry, TimeProvider timeProvider) =>
        new(HostProcess.Start(spec, registry), containerId, timeProvider.GetUtcNow(), timeProvider);

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _stdinLock.WaitAsync(cancellationToken);
        try
        {
            if (_process.Stdin is { } stdin && !_stdinClosed)
            {
                await stdin.WriteAsync(data, cancellationToken);
                await stdin.FlushAsync(cancellationToken);
            }
        }
        catch (IOException)
        {
            // The process stopped reading (it exited); what the client typed goes nowhere, as with a real runtime.
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    /// <summary>Ends the process's stdin (a pipe gets end-of-file; a terminal keeps running until the process exits).</summary>
    public async Task CloseStdinAsync()
    {
        await _stdinLock.WaitAsync(CancellationToken.None);
        try
        {
            if (_process.Stdin is { } stdin && !_stdinClosed && !_process.HasTty)
            {
                _stdinClosed = true;
                await stdin.DisposeAsync();
            }
        }
        catch (IOException)
        {
            // Already closed by the process's exit.
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    public void Resize(TerminalSize size) => _process.Resize(size);

    public Task TerminateAsync(TimeSpan grace) => _process.TerminateAsync(grace);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await Completion;
        _stdinLock.Dispose();
    }

    private async Task<int> CompleteAsync(Task outputs)
    {
        var exitCode = await _process.Exited;
        try
        {
            // A background child may keep the pipes open forever; the log of this instance ends anyway.
            await outputs.WaitAsync(OutputDrainLimit);
        }
        catch (TimeoutException)
        {
        }

        Log.Complete();
        Fanout.Complete();
        return exitCode;
    }
}
