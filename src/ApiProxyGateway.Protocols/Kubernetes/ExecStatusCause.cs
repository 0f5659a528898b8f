using System.Text.Json.Serialization;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>metav1.StatusCause; note that Go's <c>Type</c> field is serialised as <c>reason</c>.</summary>
internal sealed record ExecStatusCause
{
    [JsonPropertyName("reason")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}
