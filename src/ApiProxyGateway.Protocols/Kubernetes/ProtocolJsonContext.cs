using System.Text.Json.Serialization;

namespace ApiProxyGateway.Protocols.Kubernetes;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecStatus))]
[JsonSerializable(typeof(TerminalSize))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
