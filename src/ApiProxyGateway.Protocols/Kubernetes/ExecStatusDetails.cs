using System.Text.Json.Serialization;

namespace ApiProxyGateway.Protocols.Kubernetes;

internal sealed record ExecStatusDetails
{
    [JsonPropertyName("causes")]
    public List<ExecStatusCause> Causes { get; init; } = [];
}
