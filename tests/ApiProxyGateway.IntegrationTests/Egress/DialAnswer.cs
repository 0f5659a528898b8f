namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>What the <see cref="TestKonnectivityServer"/> does with a DIAL_REQ.</summary>
internal sealed record DialAnswer(DialAnswerKind Kind, string Error = "")
{
    public static DialAnswer Forward { get; } = new(DialAnswerKind.Forward);

    public static DialAnswer Echo { get; } = new(DialAnswerKind.Echo);

    public static DialAnswer Ignore { get; } = new(DialAnswerKind.Ignore);

    public static DialAnswer Reset { get; } = new(DialAnswerKind.Reset);

    public static DialAnswer Refuse(string error) => new(DialAnswerKind.Refuse, error);
}
