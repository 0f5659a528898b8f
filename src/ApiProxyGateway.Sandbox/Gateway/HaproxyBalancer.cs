using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>
/// The load balancer in front of the gateway replicas: a real HAProxy (Debian's <c>haproxy</c>) in TCP mode, so TLS
/// runs end to end from the client to a replica, as behind a Kubernetes Service or a cloud network load balancer.
/// Each replica slot is a server health-checked on its operations port's <c>/readyz</c>; a slot with no replica is
/// in maintenance. Its runtime API (a Unix socket in the state directory) enables and disables slots and reports
/// what HAProxy believes about each one.
/// </summary>
internal sealed class HaproxyBalancer : IAsyncDisposable
{
    /// <summary>The backend's name in the configuration and on the runtime API.</summary>
    public const string Backend = "replicas";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;
    private readonly string _socketPath;

    private HaproxyBalancer(Process process, StreamWriter log, Task pumps, string socketPath)
    {
        _process = process;
        _log = log;
        _pumps = pumps;
        _socketPath = socketPath;
    }

    public int ProcessId => _process.Id;

    /// <summary>The server name of replica slot <paramref name="slot"/>.</summary>
    public static string Server(int slot) => "slot" + slot.ToString(CultureInfo.InvariantCulture);

    /// <summary>HAProxy on PATH or where Debian installs it (<c>/usr/sbin</c> is not on every user's PATH), or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, "haproxy"))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Writes the configuration, starts HAProxy in the foreground and waits until it accepts
    /// connections on the layout's frontend. Slots in <paramref name="running"/> start in service; the others start in maintenance.
    /// </summary>
    public static async Task<HaproxyBalancer> StartAsync(HaproxyLayout layout, IReadOnlySet<int> running, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var haproxy = Find() ?? throw new InvalidOperationException(
            "--gateway-replicas puts the replicas behind HAProxy, which is not installed: apt-get install haproxy (Debian), or run without --gateway-replicas.");
        await File.WriteAllTextAsync(layout.ConfigurationPath, layout.Render(running), cancellationToken);
        var start = new ProcessStartInfo(haproxy)
        {
            ArgumentList = { "-db", "-f", layout.ConfigurationPath },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var log = new StreamWriter(layout.LogPath, append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {haproxy}.");
        var pumps = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log));
        var balancer = new HaproxyBalancer(process, log, pumps, layout.SocketPath);
        try
        {
            await balancer.WaitUntilListeningAsync(layout.Frontend, layout.LogPath, startTimeout, cancellationToken);
            return balancer;
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Puts a slot in service: HAProxy health-checks it and sends it new connections once it is up.</summary>
    public Task EnableAsync(int slot, CancellationToken cancellationToken) => CommandAsync($"enable server {Backend}/{Server(slot)}", cancellationToken);

    /// <summary>Takes a slot out of service (maintenance): no new connections, no health checks.</summary>
    public Task DisableAsync(int slot, CancellationToken cancellationToken) => CommandAsync($"disable server {Backend}/{Server(slot)}", cancellationToken);

    /// <summary>What HAProxy says of a slot now: UP, DOWN, MAINT, or a transition such as "UP 1/2".</summary>
    public async Task<string> StatusAsync(int slot, CancellationToken cancellationToken)
    {
        var csv = await CommandAsync("show stat", cancellationToken);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Split(',')
            ?? throw new InvalidOperationException($"HAProxy's show stat had no header: {csv}");
        var status = Array.IndexOf(header, "status");
        var row = lines.Select(l => l.Split(',')).FirstOrDefault(f => f.Length > status && f[0] == Backend && f[1] == Server(slot))
            ?? throw new InvalidOperationException($"HAProxy's show stat has no server {Backend}/{Server(slot)}");
        return row[status];
    }

    /// <summary>Polls <see cref="StatusAsync"/> until <paramref name="wanted"/> holds; false if <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForStatusAsync(int slot, Func<string, bool> wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!wanted(await StatusAsync(slot, deadline.Token)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }

    /// <summary>One command on the runtime API (the socket answers and closes); returns the answer.</summary>
    private async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(cancellationToken);
        return command.StartsWith("show", StringComparison.Ordinal) || answer.Trim().Length == 0
            ? answer
            : throw new InvalidOperationException($"HAProxy refused '{command}': {answer.Trim()}");
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
                throw new InvalidOperationException($"HAProxy exited with code {_process.ExitCode} at start; see {logPath}: {await File.ReadAllTextAsync(logPath, CancellationToken.None)}");
            }

            try
            {
                using var client = new TcpClient(endPoint.AddressFamily);
                await client.ConnectAsync(endPoint, deadline.Token);
                if (File.Exists(_socketPath))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // not listening yet
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"HAProxy did not listen on {endPoint} within {timeout}; see {logPath}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
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
}
