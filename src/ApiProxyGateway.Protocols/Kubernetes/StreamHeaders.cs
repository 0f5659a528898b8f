namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>SPDY stream header names and <c>streamType</c> values (k8s.io/api/core/v1 constants).</summary>
public static class StreamHeaders
{
    public const string StreamType = "streamType";
    public const string Port = "port";
    public const string RequestId = "requestID";

    public const string Stdin = "stdin";
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
    public const string Error = "error";
    public const string Resize = "resize";
    public const string Data = "data";
}
