namespace ApiProxyGateway.Fuzz;

/// <summary>
/// Every target <c>fuzz/run</c> knows, by name. Adding one is one line here plus its class (a <c>Target</c>
/// property built like the others); its seeds come from <c>--seed</c>, its instrumentation from
/// <see cref="FuzzTarget.InstrumentedAssemblies"/>. Registering must not run any code of an instrumented assembly
/// (no static fields computed from it): SharpFuzz's coverage map exists only once <c>Fuzzer.Run</c> has started,
/// and instrumented code that runs before then crashes the process.
/// </summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        SpdyFramesTarget.Target,
        SpdyHeadersTarget.Target,
        ChannelFramingTarget.Target,
        RequestClassifierTarget.Target,
        CertificateSubjectTarget.Target,
        EgressSelectorConfigTarget.Target,
        HttpConnectResponseTarget.Target,
        FrameScannersTarget.Target,
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
