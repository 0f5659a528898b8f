namespace ApiProxyGateway.Upstreams;

/// <summary>A request the gateway refused to send upstream because its head could not be written safely.</summary>
internal sealed class UpstreamRequestRefusedException : HttpRequestException
{
    public UpstreamRequestRefusedException(string message)
        : base(message)
    {
    }

    public UpstreamRequestRefusedException()
        : this("the request cannot be sent upstream")
    {
    }

    public UpstreamRequestRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
