namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>Lines read from a <see cref="ContainerLog"/>, where to continue, whether it is over, and a task that completes on the next change.</summary>
internal sealed record LogSnapshot(IReadOnlyList<LogLine> Lines, long Next, bool Complete, Task Changed);
