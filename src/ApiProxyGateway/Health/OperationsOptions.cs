namespace ApiProxyGateway.Health;

/// <summary>The operations listener (section <c>Operations</c>): metrics and health, never on the API port.</summary>
internal sealed record OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>Address of the plain-HTTP operations listener (<c>--operations-bind-address</c>). Default all IPv4 addresses.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>Its port (<c>--operations-port</c>): <c>/metrics</c>, <c>/livez</c>, <c>/readyz</c>, <c>/healthz</c>. Default 8081; 0 disables it.</summary>
    public int Port { get; init; } = 8081;
}
