using System.Runtime.InteropServices;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// The few libc calls .NET has no managed API for: pseudo-terminals (<c>posix_openpt</c>, <c>grantpt</c>,
/// <c>unlockpt</c>, <c>ptsname_r</c>, <c>ioctl(TIOCSWINSZ)</c>), signals other than SIGKILL, and the parent pid.
/// Linux only (the ioctl number is Linux's).
/// </summary>
internal static partial class Native
{
    public const int SigTerm = 15;

    private const int ReadWrite = 0x2;
    private const int NoControllingTerminal = 0x100;
    private const nuint SetWindowSize = 0x5414; // TIOCSWINSZ

    public static int OpenPseudoTerminalMaster()
    {
        var fd = posix_openpt(ReadWrite | NoControllingTerminal);
        Check(fd, "posix_openpt");
        if (grantpt(fd) != 0 || unlockpt(fd) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            _ = close(fd);
            throw new IOException($"grantpt/unlockpt failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return fd;
    }

    public static string PseudoTerminalSlaveName(int masterFd)
    {
        var buffer = new byte[256];
        var result = ptsname_r(masterFd, buffer, (nuint)buffer.Length);
        if (result != 0)
        {
            throw new IOException($"ptsname_r failed: {Marshal.GetPInvokeErrorMessage(result)}");
        }

        return System.Text.Encoding.ASCII.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0));
    }

    /// <summary>Opens the slave side without making it our controlling terminal.</summary>
    public static int OpenNoControllingTerminal(string path)
    {
        var fd = open(path, ReadWrite | NoControllingTerminal);
        Check(fd, $"open {path}");
        return fd;
    }

    public static int Duplicate(int fd)
    {
        var copy = dup(fd);
        Check(copy, "dup");
        return copy;
    }

    /// <summary>Sets the terminal size; the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public static void SetWindowSizeOf(int fd, TerminalSize size)
    {
        var winsize = new WindowSize { Rows = size.Height, Columns = size.Width };
        Check(ioctl(fd, SetWindowSize, ref winsize), "ioctl(TIOCSWINSZ)");
    }

    public static void Close(int fd) => _ = close(fd);

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    public static int ParentProcessId() => getppid();

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc")]
    private static partial int ptsname_r(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ref WindowSize size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    private static partial int getppid();

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }
}
