namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>The kinds of <see cref="DialAnswer"/>.</summary>
internal enum DialAnswerKind
{
    /// <summary>Dial the requested address over TCP and relay, as an agent would.</summary>
    Forward,

    /// <summary>Accept, and send every DATA back.</summary>
    Echo,

    /// <summary>Answer DIAL_RSP with this error.</summary>
    Refuse,

    /// <summary>Never answer.</summary>
    Ignore,

    /// <summary>Reset the stream without answering.</summary>
    Reset,
}
