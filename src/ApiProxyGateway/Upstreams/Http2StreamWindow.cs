using System.Globalization;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Caps how far SocketsHttpHandler lets an upstream HTTP/2 stream's receive window grow at 4 MiB, the stream window of
/// Go's transport (kube-apiserver's), instead of .NET's 16 MiB: a client that reads a followed log or a proxied answer
/// fast and then stops (<c>kubectl logs -f | less</c>) leaves at most that much of it in the gateway, about what a
/// TCP connection's buffers held when logs were read over HTTP/1.1.
/// </summary>
/// <remarks>
/// .NET reads the cap from the environment only, once, when a handler is first used; so the gateway sets it at the
/// very start of Program, and keeps an operator's own value.
/// </remarks>
internal static class Http2StreamWindow
{
    public const string Variable = "DOTNET_SYSTEM_NET_HTTP_SOCKETSHTTPHANDLER_FLOWCONTROL_MAXSTREAMWINDOWSIZE";

    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Sets the cap unless the environment already has one; returns the value in effect.</summary>
    public static string Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen)
        {
            return chosen;
        }

        var value = MaxBytes.ToString(CultureInfo.InvariantCulture);
        Environment.SetEnvironmentVariable(Variable, value);
        return value;
    }
}
