namespace ApiProxyGateway.Bench.Reauthorization;

/// <summary>
/// One reading, at <see cref="Seconds"/> since the watch began: the SubjectAccessReviews the gateway has had answered
/// (each one POST to the API server), its completed re-authorization rounds and their total seconds, and the CPU
/// seconds of the gateway and of the sandbox process (simulated API server and kubelet).
/// </summary>
internal sealed record ReauthorizationPoint(double Seconds, double Reviews, double Rounds, double RoundSeconds, double GatewayCpu, double SandboxCpu);
