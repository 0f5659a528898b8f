using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.Win32.SafeHandles;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// A real pseudo-terminal. The child opens the slave side by name (and makes it its controlling terminal through
/// <c>setsid --ctty</c>); we read and write the master. We also hold a slave descriptor until the child has exited,
/// so reading the master never fails before the child opened its side; releasing it lets the master drain and then
/// report the end.
/// </summary>
internal sealed class PseudoTerminal : IDisposable
{
    private readonly int _master;
    private int _slave;

    private PseudoTerminal(int master, int slave, string slaveName)
    {
        _master = master;
        _slave = slave;
        SlaveName = slaveName;
        Output = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        Input = new FileStream(new SafeFileHandle(Native.Duplicate(master), ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    /// <summary>The slave's path, e.g. <c>/dev/pts/7</c>.</summary>
    public string SlaveName { get; }

    /// <summary>What the child writes (stdout and stderr together). A read fails with <see cref="IOException"/> (EIO) at the end.</summary>
    public Stream Output { get; }

    /// <summary>What the child reads, as if typed.</summary>
    public Stream Input { get; }

    public static PseudoTerminal Open(TerminalSize? size = null)
    {
        var master = Native.OpenPseudoTerminalMaster();
        try
        {
            var name = Native.PseudoTerminalSlaveName(master);
            var slave = Native.OpenNoControllingTerminal(name);
            if (size is { } initial)
            {
                Native.SetWindowSizeOf(master, initial);
            }

            return new PseudoTerminal(master, slave, name);
        }
        catch
        {
            Native.Close(master);
            throw;
        }
    }

    public void Resize(TerminalSize size)
    {
        if (size.Width > 0 && size.Height > 0)
        {
            Native.SetWindowSizeOf(_master, size);
        }
    }

    /// <summary>Closes our slave descriptor: once the child's are closed too, the master reads what is left, then ends.</summary>
    public void ReleaseSlave()
    {
        var slave = Interlocked.Exchange(ref _slave, -1);
        if (slave >= 0)
        {
            Native.Close(slave);
        }
    }

    public void Dispose()
    {
        ReleaseSlave();
        Input.Dispose();
        Output.Dispose();
    }
}
