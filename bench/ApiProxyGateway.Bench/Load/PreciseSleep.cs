using System.Runtime.InteropServices;

namespace ApiProxyGateway.Bench.Load;

/// <summary>Sleeps with the kernel's resolution (about 60 µs) instead of the runtime's 1 ms timer, without spinning.</summary>
internal static partial class PreciseSleep
{
    public static void Microseconds(long microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }

        Span<long> request = [microseconds / 1_000_000, microseconds % 1_000_000 * 1000];
        _ = NanoSleep(ref MemoryMarshal.GetReference(request), IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref long request, IntPtr remaining);
}
