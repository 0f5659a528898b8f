namespace ApiProxyGateway.Egress;

/// <summary>A dial through a Konnectivity server that failed; the message names the egress and says why, for the user.</summary>
internal sealed class EgressException : IOException
{
    public EgressException(EgressFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    public EgressException()
        : this(EgressFailure.Unavailable, "the Konnectivity server is not reachable")
    {
    }

    public EgressException(string message)
        : this(EgressFailure.Unavailable, message)
    {
    }

    public EgressException(string message, Exception innerException)
        : this(EgressFailure.Unavailable, message, innerException)
    {
    }

    public EgressFailure Failure { get; }
}
