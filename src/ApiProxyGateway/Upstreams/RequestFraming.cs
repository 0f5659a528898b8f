namespace ApiProxyGateway.Upstreams;

/// <summary>How a request body is delimited: a length, or -1 for chunked; and whether the request asks to upgrade.</summary>
internal readonly record struct RequestFraming(long ContentLength, bool IsUpgrade)
{
    public bool IsChunked => ContentLength < 0;
}
