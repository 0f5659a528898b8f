using System.Globalization;
using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Lets OpenSSL free a TLS connection's record buffers while the connection is quiet (<c>SSL_MODE_RELEASE_BUFFERS</c>,
/// which nginx and HAProxy set on every connection): OpenSSL otherwise keeps a read and a write buffer of a full
/// record for the connection's life, of which up to some 24 KiB stay resident once full records have passed (measured;
/// less after small ones), and an idle port-forward holds two connections, the client's and the kubelet's (131 → 101
/// KiB per idle port-forward in the benchmark). The buffers are taken from the allocator when a record is read or
/// written and given back once it is done, a cost within the benchmark's noise (bench/README.md, ninth round).
/// </summary>
/// <remarks>
/// Hand-written because .NET sets no OpenSSL mode and gives no handle to set one with: <see cref="SslStream"/> keeps
/// its OpenSSL connection (<c>SSL*</c>) in a private field. That field is read by reflection, checked to be the
/// runtime's OpenSSL handle type, and <c>SSL_ctrl</c> is taken from the libssl the runtime has already loaded (never
/// another one, whose structures could differ). Anything unrecognised (another runtime version, another TLS library,
/// another platform) leaves the buffers as they were and says why in <see cref="Unavailable"/>, which the gateway logs
/// at start-up; a test fails on a runtime where the mode can no longer be set. The mode is set right after the
/// handshake, before anything reads or writes the connection: <c>SSL_ctrl</c> must not race a read or a write.
/// </remarks>
internal static partial class IdleTlsBuffers
{
    private const int SslCtrlMode = 33;                  // SSL_CTRL_MODE: ORs larg into the connection's mode, returns it
    private const nint SslModeReleaseBuffers = 0x10;     // SSL_MODE_RELEASE_BUFFERS
    private const string OpenSslHandleType = "Microsoft.Win32.SafeHandles.SafeSslHandle";

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int command, nint larg, nint parg);

    private sealed record Binding(FieldInfo? Context, SslCtrl? Control, string? Problem);

    private static readonly Lazy<Binding> Bound = new(Bind);

    /// <summary>Why connections keep their buffers on this runtime, or null when they are released.</summary>
    public static string? Unavailable => Bound.Value.Problem;

    /// <summary>Says at start-up when connections keep their buffers (each idle port-forward then costs some 30 KiB more).</summary>
    public static void LogAtStartup(ILogger logger)
    {
        if (Unavailable is { } problem && OperatingSystem.IsLinux())
        {
            BuffersKept(logger, problem);
        }
    }

    [LoggerMessage(EventIds.TlsBuffersKept, LogLevel.Warning, "Idle TLS connections keep OpenSSL's record buffers (up to some 24 KiB each) because {Problem}; everything works, but each idle stream costs more memory")]
    private static partial void BuffersKept(ILogger logger, string problem);

    /// <summary>
    /// Sets the mode on an authenticated stream that nothing reads or writes yet; false (and nothing changed) when the
    /// runtime is not one this recognises, or the stream is not authenticated or already closed.
    /// </summary>
    public static bool Release(SslStream stream) => (Control(stream, SslModeReleaseBuffers) & SslModeReleaseBuffers) != 0;

    /// <summary>The connection's OpenSSL mode bits, or 0 when they cannot be read (for tests).</summary>
    internal static nint Mode(SslStream stream) => Control(stream, 0);

    private static nint Control(SslStream stream, nint bits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var binding = Bound.Value;
        if (binding.Control is null || binding.Context?.GetValue(stream) is not SafeHandle handle || handle.GetType().FullName != OpenSslHandleType)
        {
            return 0;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added); // a stream disposed meanwhile cannot free the connection under the call
            var ssl = handle.DangerousGetHandle();
            return ssl == 0 ? 0 : binding.Control(ssl, SslCtrlMode, bits, 0);
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static Binding Bind()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Binding(null, null, "TLS is not OpenSSL's on this platform");
        }

        try
        {
            return BindOpenSsl();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            return new Binding(null, null, $"the runtime's libssl could not be found ({e.Message})");
        }
    }

    private static Binding BindOpenSsl()
    {
        var context = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
        if (context is null || !typeof(SafeHandle).IsAssignableFrom(context.FieldType))
        {
            return new Binding(null, null, $"this runtime's SslStream ({Environment.Version}) does not keep its OpenSSL connection where this build looks for it");
        }

        // The runtime's OpenSSL shim loads libssl with its first use, which may not have come yet (a hash is one).
        _ = SHA256.HashData(ReadOnlySpan<byte>.Empty);

        // The libssl the runtime has loaded, with the address ranges it is mapped at: "start-end perms offset dev inode
        // path", the path being the rest of the line (it may hold spaces).
        var mappings = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5].Trim()).StartsWith("libssl.so.", StringComparison.Ordinal))
            .Select(fields => (Path: fields[5].Trim(), Range: fields[0].Split('-')))
            .Select(mapping => (mapping.Path,
                Start: ulong.Parse(mapping.Range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                End: ulong.Parse(mapping.Range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            .ToList();
        var paths = mappings.Select(mapping => mapping.Path).Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count != 1 || paths[0].EndsWith("(deleted)", StringComparison.Ordinal))
        {
            return new Binding(null, null, paths.Count == 0 ? "the runtime has not loaded libssl" : $"the loaded libssl is not one file on disk ({string.Join(", ", paths)})");
        }

        // Loading a loaded library by its path returns it; SSL_ctrl must then lie inside its mappings, so that a file
        // replaced on disk meanwhile (a second, different libssl) is never called.
        if (!NativeLibrary.TryLoad(paths[0], out var library) || !NativeLibrary.TryGetExport(library, "SSL_ctrl", out var control)
            || !mappings.Any(mapping => (ulong)control >= mapping.Start && (ulong)control < mapping.End))
        {
            return new Binding(null, null, $"SSL_ctrl of the loaded {paths[0]} was not found");
        }

        return new Binding(context, Marshal.GetDelegateForFunctionPointer<SslCtrl>(control), null);
    }
}
