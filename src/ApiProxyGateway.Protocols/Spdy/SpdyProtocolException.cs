namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>The peer broke the SPDY/3.1 framing rules; the session cannot continue.</summary>
public sealed class SpdyProtocolException : IOException
{
    public SpdyProtocolException()
    {
    }

    public SpdyProtocolException(string message)
        : base(message)
    {
    }

    public SpdyProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
