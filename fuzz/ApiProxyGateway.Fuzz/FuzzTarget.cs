namespace ApiProxyGateway.Fuzz;

/// <summary>
/// One fuzz target: what it feeds arbitrary bytes to, which assemblies afl++ needs instrumented for coverage, and
/// the seed files that start its corpus. <see cref="Run"/> throws only when it found a bug: an exception other
/// than the documented one, a broken invariant (<see cref="FuzzFinding"/>) or an allocation over budget.
/// </summary>
internal sealed record FuzzTarget(
    string Name,
    string Covers,
    IReadOnlyList<string> InstrumentedAssemblies,
    Action<byte[]> Run,
    Func<IEnumerable<(string Name, byte[] Bytes)>> Seeds);
