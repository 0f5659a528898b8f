namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>
/// One step of a rolling restart: <see cref="Replacement"/> was started and taken into rotation, then
/// <see cref="Replaced"/> got SIGTERM.
/// </summary>
/// <param name="Replaced">The replica that was stopped.</param>
/// <param name="Replacement">The replica started in its place (in the spare slot).</param>
/// <param name="ReplacementReadyAfter">From the step's start until the replacement was ready and in rotation.</param>
/// <param name="OutOfRotationAfter">From SIGTERM until the balancer marked the old replica down (its readiness failed); null if it never did.</param>
/// <param name="ExitedAfter">From SIGTERM until the old replica's process exited: the time its drain took.</param>
/// <param name="ExitCode">The old replica's exit code (0 after a clean drain; -1 when killed).</param>
/// <param name="Killed">The old replica outlived the sandbox's bound and was killed.</param>
public sealed record ReplicaReplacement(string Replaced, string Replacement, TimeSpan ReplacementReadyAfter, TimeSpan? OutOfRotationAfter, TimeSpan ExitedAfter, int ExitCode, bool Killed);
