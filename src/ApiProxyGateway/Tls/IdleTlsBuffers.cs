using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Lets OpenSSL free a TLS connection's record buffers while the connection is quiet (<c>SSL_MODE_RELEASE_BUFFERS</c>,
/// which nginx and HAProxy set on every connection): OpenSSL otherwise keeps a read and a write buffer of a full
/// record (about 24 KiB together, measured) for the connection's life, and an idle port-forward holds two
/// connections, the client's and the kubelet's. The buffers come back from the allocator when a record is read or
/// written, and go again once it is done.
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

    /// <summary>Says at start-up when connections keep their buffers (each idle stream then costs some 48 KiB more).</summary>
    public static void LogAtStartup(ILogger logger)
    {
        if (Unavailable is { } problem && OperatingSystem.IsLinux())
        {
            BuffersKept(logger, problem);
        }
    }

    [LoggerMessage(EventIds.TlsBuffersKept, LogLevel.Warning, "Idle TLS connections keep OpenSSL's record buffers (about 24 KiB each) because {Problem}; everything works, but each idle stream costs more memory")]
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

        var context = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
        if (context is null || !typeof(SafeHandle).IsAssignableFrom(context.FieldType))
        {
            return new Binding(null, null, $"this runtime's SslStream ({Environment.Version}) does not keep its OpenSSL connection where this build looks for it");
        }

        // The libssl the runtime has loaded: by its path, so that loading it again returns the same library.
        var loaded = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libssl.so.", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (loaded.Count != 1)
        {
            return new Binding(null, null, loaded.Count == 0 ? "the runtime has not loaded libssl" : $"more than one libssl is loaded ({string.Join(", ", loaded)})");
        }

        if (!NativeLibrary.TryLoad(loaded[0], out var library) || !NativeLibrary.TryGetExport(library, "SSL_ctrl", out var control))
        {
            return new Binding(null, null, $"SSL_ctrl was not found in {loaded[0]}");
        }

        return new Binding(context, Marshal.GetDelegateForFunctionPointer<SslCtrl>(control), null);
    }
}
