using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ApiProxyGateway.Bench.Hosting;

/// <summary>A child process (sandbox, nginx, HAProxy) whose output goes to a log file; stopped with SIGTERM, then killed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Every child not yet disposed, for <see cref="KillOnSignals"/>.</summary>
    private static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();

    /// <summary>Held for the life of the process: a registration that is collected stops handling its signal.</summary>
    private static IReadOnlyList<PosixSignalRegistration>? _signals;

    private readonly Process _process;
    private readonly Task _pumps;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        _pumps = Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string LogPath { get; private init; } = "";

    public static ChildProcess Start(ProcessStartInfo start, string logPath)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true; // closed when we go, so nothing waits on our terminal
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var child = new ChildProcess(process, log) { LogPath = logPath };
        Live.TryAdd(child, 0);
        return child;
    }

    /// <summary>
    /// A run stopped by SIGTERM or SIGINT (Ctrl+C) ends without disposing anything: each child still running is killed
    /// with its process tree first (the sandbox with its gateway and pods, nginx, HAProxy), so none is left holding its
    /// ports and cores for the next run; then the run ends at once with 128 + the signal's number, saying so (rather
    /// than with the errors of whatever was talking to the children).
    /// </summary>
    public static void KillOnSignals() =>
        _signals ??= [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop), PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop)];

    private static void Stop(PosixSignalContext context)
    {
        KillAll();
        Console.Error.WriteLine($"bench: stopped by {context.Signal}; the sandbox, nginx and HAProxy were stopped with it");
        Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    private static void KillAll()
    {
        foreach (var child in Live.Keys)
        {
            try
            {
                child._process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited already.
            }
        }
    }

    public string Tail(int lines)
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        if (!_process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                kill?.WaitForExit();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private async Task CopyAsync(StreamReader source)
    {
        while (await source.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
