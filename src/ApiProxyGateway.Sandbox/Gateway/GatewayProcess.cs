using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>
/// The real gateway, run as a child process from the build output copied next to the sandbox. Its stdout and
/// stderr go to a log file; it counts as started once its port accepts TCP connections.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;
    private readonly TimeSpan _gracePeriod;
    private readonly ILogger _logger;

    private GatewayProcess(Process process, StreamWriter log, Task pumps, TimeSpan gracePeriod, ILogger logger)
    {
        _process = process;
        _log = log;
        _pumps = pumps;
        _gracePeriod = gracePeriod;
        _logger = logger;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the gateway to exit on its own (after a SIGTERM, say) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Starts the gateway and waits until <paramref name="endPoint"/> accepts connections or it fails.</summary>
    public static async Task<GatewayProcess> StartAsync(
        IReadOnlyList<string> arguments, IPEndPoint endPoint, string logPath, TimeSpan startTimeout, TimeSpan gracePeriod, ILogger logger, CancellationToken cancellationToken)
    {
        var start = StartInfo(arguments);
        GatewayLog.Starting(logger, $"{start.FileName} {string.Join(' ', start.ArgumentList)}");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!); // ! the log path is always inside the state directory
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var pumps = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log));
        var gateway = new GatewayProcess(process, log, pumps, gracePeriod, logger);
        try
        {
            await gateway.WaitUntilListeningAsync(endPoint, logPath, startTimeout, cancellationToken);
            GatewayLog.Ready(logger, process.Id, endPoint.ToString());
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, then a kill of the whole process tree after the grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            RequestTermination();
            using var grace = new CancellationTokenSource(_gracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                GatewayLog.Killing(_logger, _process.Id, _gracePeriod);
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        GatewayLog.Exited(_logger, _process.Id, _process.ExitCode);
        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(IPEndPoint endPoint, string logPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                await _pumps;
                throw new InvalidOperationException(
                    $"The gateway exited with code {_process.ExitCode} before it listened on {endPoint}. Last lines of {logPath}:{Environment.NewLine}{LastLines(logPath, 20)}");
            }

            try
            {
                using var client = new TcpClient(endPoint.AddressFamily);
                await client.ConnectAsync(endPoint, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                // not listening yet: poll again shortly (a refused connect returns at once, so this does not spin)
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(endPoint, logPath, timeout);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(endPoint, logPath, timeout);
            }
        }
    }

    private static TimeoutException TimedOut(IPEndPoint endPoint, string logPath, TimeSpan timeout) =>
        new($"The gateway did not listen on {endPoint} within {timeout}. Last lines of {logPath}:{Environment.NewLine}{LastLines(logPath, 20)}");

    /// <summary>SIGTERM, as the kubelet sends a container it stops: the gateway's drain begins.</summary>
    public void RequestTermination()
    {
        if (OperatingSystem.IsWindows())
        {
            _process.Kill(entireProcessTree: true);
            return;
        }

        // .NET has no API to send SIGTERM to another process; kill(1) does it without native interop.
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill?.WaitForExit();
    }

    private static ProcessStartInfo StartInfo(IReadOnlyList<string> arguments)
    {
        var directory = AppContext.BaseDirectory;
        var appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? "ApiProxyGateway.exe" : "ApiProxyGateway");
        var dll = Path.Combine(directory, "ApiProxyGateway.dll");
        var start = File.Exists(appHost) ? new ProcessStartInfo(appHost)
            : File.Exists(dll) ? new ProcessStartInfo("dotnet") { ArgumentList = { dll } }
            : throw new FileNotFoundException($"The gateway build output (ApiProxyGateway or ApiProxyGateway.dll) is not in {directory}.");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.WorkingDirectory = directory; // the gateway finds its appsettings/ next to its binary
        start.Environment["DOTNET_TC_DelaySingleProcMultiplier"] = "1"; // as the image sets them (see the Dockerfile)
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = false;
        return start;
    }

    private static async Task CopyAsync(StreamReader source, StreamWriter target)
    {
        while (await source.ReadLineAsync() is { } line)
        {
            lock (target)
            {
                target.WriteLine(line);
            }
        }
    }

    private static string LastLines(string path, int count)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(count));
        }
        catch (IOException e)
        {
            return $"(could not read the log: {e.Message})";
        }
    }
}
