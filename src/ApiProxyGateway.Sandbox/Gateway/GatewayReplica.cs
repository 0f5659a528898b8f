using System.Net;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>One gateway replica behind the sandbox's load balancer, named like a pod of a Deployment (<c>gateway-N</c>, N never reused).</summary>
/// <param name="Name">gateway-1, gateway-2, …: a replacement gets the next number.</param>
/// <param name="Slot">The balancer's server slot it fills (1-based); its address is <c>127.B.0.(10+Slot)</c>.</param>
/// <param name="ProcessId">The gateway process.</param>
/// <param name="ApiEndPoint">Its own API listener (the balancer forwards there; its certificate names this address too).</param>
/// <param name="OperationsUrl">Its operations listener: <c>/readyz</c>, <c>/livez</c>, <c>/metrics</c>.</param>
/// <param name="LogPath">Its console output.</param>
/// <param name="AuditLogPath">Its audit events, one JSON object per line.</param>
public sealed record GatewayReplica(string Name, int Slot, int ProcessId, IPEndPoint ApiEndPoint, Uri OperationsUrl, string LogPath, string AuditLogPath);
