using System.Diagnostics;
using System.Globalization;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Every host process the sandbox starts (containers, exec sessions, workloads) is registered here, so that shutting
/// the sandbox down kills whatever is left and tests can check that nothing survived.
/// </summary>
public sealed class ProcessRegistry
{
    private readonly Lock _lock = new();
    private readonly HashSet<Process> _running = [];
    private readonly List<int> _started = [];

    /// <summary>The id of every process ever started through this registry.</summary>
    public IReadOnlyList<int> StartedProcessIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _started];
            }
        }
    }

    /// <summary>True when <paramref name="pid"/> names a live process (not a zombie); Linux /proc only.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart();
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    internal void Add(Process process)
    {
        lock (_lock)
        {
            _running.Add(process);
            _started.Add(process.Id);
        }
    }

    internal void Remove(Process process)
    {
        lock (_lock)
        {
            _running.Remove(process);
        }
    }

    /// <summary>Kills every registered process tree that is still running and reaps it.</summary>
    internal async Task KillAllAsync()
    {
        List<Process> running;
        lock (_lock)
        {
            running = [.. _running];
        }

        foreach (var process in running)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It exited meanwhile.
            }
        }
    }
}
