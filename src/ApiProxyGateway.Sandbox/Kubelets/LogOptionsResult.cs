namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>Decoded log options, or why not: undecodable (HTTP 400) or invalid (HTTP 422, with the field and its message).</summary>
internal sealed record LogOptionsResult(LogOptions? Options, (string Field, string Value, string Message)? Problem)
{
    public static LogOptionsResult Undecodable { get; } = new(null, null);

    public bool IsUndecodable => Options is null && Problem is null;

    public static LogOptionsResult Invalid(string field, string value, string message) => new(null, (field, value, message));
}
