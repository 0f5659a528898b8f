namespace ApiProxyGateway.Bench.Reauthorization;

/// <summary>
/// One mix of followed logs held open for scenario 6: every one of <see cref="Users"/> users follows the log of every
/// one of <see cref="Pods"/> pods <see cref="PerPair"/> times. A stream's permission is its user's <c>get pods/log</c>
/// of its pod, so the gateway has <see cref="Questions"/> distinct questions for <see cref="Streams"/> streams.
/// </summary>
internal sealed record ReauthorizationMix(string Name, int Users, int Pods, int PerPair)
{
    public int Streams => Users * Pods * PerPair;

    public int Questions => Users * Pods;
}
