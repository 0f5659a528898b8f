using System.Text.Json.Serialization;

namespace ApiProxyGateway.Kubernetes;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusBody))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
