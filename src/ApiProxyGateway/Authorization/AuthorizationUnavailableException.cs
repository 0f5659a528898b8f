namespace ApiProxyGateway.Authorization;

/// <summary>The API server could not answer an authorization question; the request is refused, never allowed.</summary>
internal sealed class AuthorizationUnavailableException : Exception
{
    public AuthorizationUnavailableException()
    {
    }

    public AuthorizationUnavailableException(string message)
        : base(message)
    {
    }

    public AuthorizationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
