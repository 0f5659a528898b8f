using System.Text.Json.Serialization;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>The subset of metav1.Status that the remote-command error stream carries (v4 and later).</summary>
internal sealed record ExecStatus
{
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "Status";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = "v1";

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; init; } = [];

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("details")]
    public ExecStatusDetails? Details { get; init; }

    [JsonPropertyName("code")]
    public int? Code { get; init; }
}
