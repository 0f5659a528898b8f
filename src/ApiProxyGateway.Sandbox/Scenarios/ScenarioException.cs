namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>The scenario file is invalid; the message names the file, the document (index, kind/name) and the field.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
