using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Upstreams;

/// <summary>A failed upstream connection with a reason precise enough to show to the user and count in metrics.</summary>
internal sealed class UpstreamConnectException : IOException
{
    public UpstreamConnectException(string target, UpstreamFailure failure, UpstreamTlsFailure tlsFailure, string reason, Exception? inner = null)
        : base($"{target}: {reason}", inner)
    {
        Target = target;
        Failure = failure;
        TlsFailure = tlsFailure;
        Reason = reason;
    }

    public UpstreamConnectException()
        : this("upstream", UpstreamFailure.Unreachable, UpstreamTlsFailure.None, "unreachable")
    {
    }

    public UpstreamConnectException(string message)
        : this("upstream", UpstreamFailure.Unreachable, UpstreamTlsFailure.None, message)
    {
    }

    public UpstreamConnectException(string message, Exception innerException)
        : this("upstream", UpstreamFailure.Unreachable, UpstreamTlsFailure.None, message, innerException)
    {
    }

    public string Target { get; }

    public UpstreamFailure Failure { get; }

    public UpstreamTlsFailure TlsFailure { get; }

    /// <summary>A sentence naming what went wrong, without the target (for example "connection refused").</summary>
    public string Reason { get; }

    /// <summary>The label for metrics: the TLS failure when there was one, otherwise the connection failure.</summary>
    public string Label => TlsFailure != UpstreamTlsFailure.None ? TlsFailure.ToString() : Failure.ToString();
}
