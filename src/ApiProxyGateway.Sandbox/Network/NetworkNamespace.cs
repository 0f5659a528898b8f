using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ApiProxyGateway.Sandbox.Network;

/// <summary>
/// A named Linux network namespace (<c>ip netns add apg-PID-N</c>, loopback up, so all of 127.0.0.0/8 is local in it)
/// and one thread that has joined it with <c>setns</c>. A socket keeps the namespace of the thread that created it and a
/// child process inherits the namespace of the thread that forked it, so whatever <see cref="Run{T}"/> creates
/// (listening sockets, outbound sockets, processes) lives in the namespace while the rest of the process stays in the
/// host's.
/// </summary>
/// <remarks>
/// No extra binaries and no second process: only <c>ip</c> from iproute2 to create, bring up and delete the namespace.
/// Namespaces are named after the creating process, so a later sandbox removes those a killed one left behind.
/// </remarks>
internal sealed partial class NetworkNamespace : IDisposable
{
    private const string Prefix = "apg-";
    private const string NamedNamespaces = "/run/netns";
    private const int CloneNewNetwork = 0x40000000;
    private const int CapabilitySystemAdministration = 21;

    private static int _created;

    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    private NetworkNamespace(string name)
    {
        Name = name;
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Serve(joined)) { IsBackground = true, Name = "netns " + name };
        _thread.Start();
        joined.Task.GetAwaiter().GetResult(); // a plain thread signalling a plain event: nothing here needs the thread pool
    }

    public string Name { get; }

    /// <summary>Why network namespaces cannot be made here, or null when they (probably) can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are a Linux feature";
        }

        if (!CommandOnPath("ip"))
        {
            return "the ip command (iproute2) is not on PATH";
        }

        return HasCapability(CapabilitySystemAdministration) ? null : "creating a network namespace needs root (CAP_SYS_ADMIN), which this process does not have";
    }

    /// <summary>Creates a namespace of this process's own, after removing those of sandboxes that are gone.</summary>
    public static NetworkNamespace Create()
    {
        if (Unavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        RemoveStale();
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _created)}");
        Ip("netns", "add", name);
        try
        {
            Ip("-n", name, "link", "set", "lo", "up");
            return new NetworkNamespace(name);
        }
        catch
        {
            TryIp("netns", "delete", name);
            throw;
        }
    }

    /// <summary>Deletes the <c>apg-PID-N</c> namespaces whose process no longer exists; returns their names.</summary>
    public static IReadOnlyList<string> RemoveStale()
    {
        if (!Directory.Exists(NamedNamespaces))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var path in Directory.EnumerateFiles(NamedNamespaces, Prefix + "*"))
        {
            var name = Path.GetFileName(path);
            var pid = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !Directory.Exists($"/proc/{id}") && TryIp("netns", "delete", name))
            {
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>Runs <paramref name="action"/> on the thread inside the namespace and returns its result (or throws its exception).</summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            return action();
        }

        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(action());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });

        // Socket creation and fork are quick and never wait for the thread pool, so blocking for them is harmless.
        return result.Task.GetAwaiter().GetResult();
    }

    /// <summary>Stops the thread and deletes the namespace (sockets and processes still in it keep it alive until they end).</summary>
    public void Dispose()
    {
        if (_work.IsAddingCompleted)
        {
            return;
        }

        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
        TryIp("netns", "delete", Name);
    }

    private void Serve(TaskCompletionSource joined)
    {
        try
        {
            using var handle = File.OpenHandle(Path.Combine(NamedNamespaces, Name));
            if (setns(handle.DangerousGetHandle().ToInt32(), CloneNewNetwork) != 0)
            {
                throw new IOException($"setns({Name}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            joined.SetException(new InvalidOperationException($"Could not join the network namespace {Name}: {e.Message}", e));
            return;
        }

        joined.SetResult();
        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }

    private static void Ip(params string[] arguments)
    {
        if (RunIp(arguments) is { } error)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private static bool TryIp(params string[] arguments) => RunIp(arguments) is null;

    /// <summary>Null on success, otherwise what <c>ip</c> said.</summary>
    private static string? RunIp(string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ip.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var message = stderr.GetAwaiter().GetResult().Trim();
        return process.ExitCode == 0 ? null : message.Length > 0 ? message : $"exit code {process.ExitCode}";
    }

    private static bool CommandOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, command)));

    private static bool HasCapability(int capability)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            return line is not null
                && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var effective)
                && (effective & (1UL << capability)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int namespaceType);
}
