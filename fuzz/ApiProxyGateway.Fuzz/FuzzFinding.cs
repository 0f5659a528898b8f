namespace ApiProxyGateway.Fuzz;

/// <summary>A target's own invariant failed (a round trip differed, a chunking changed the result, memory ran over budget).</summary>
internal sealed class FuzzFinding : Exception
{
    public FuzzFinding()
    {
    }

    public FuzzFinding(string message)
        : base(message)
    {
    }

    public FuzzFinding(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
